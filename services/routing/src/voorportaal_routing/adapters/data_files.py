"""Reads the routing data files (TOML) of a data version, validated and cached.

A file that does not match its schema raises pydantic's `ValidationError`; a file that matches
but is wrong in substance (an unknown service, an estafette that goes round …) raises
`DataProblems`, so broken data never routes a citizen.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from voorportaal_routing.domain.buddy import BuddyPolicy
from voorportaal_routing.domain.directory import Directory, problems
from voorportaal_routing.domain.rules import RuleSet, rule_problems
from voorportaal_routing.domain.sources import SourceFindings, source_findings

DATA_ROOT = Path(__file__).resolve().parents[1] / "data"
CURRENT_VERSION = "v1"


class DataProblems(ValueError):
    """A data file is well-formed but wrong; `problems` lists what."""

    def __init__(self, file: str, problems: list[str]) -> None:
        super().__init__(f"{file}: " + "; ".join(problems))
        self.file = file
        self.problems = problems


def _read(version: str, name: str) -> dict[str, Any]:
    with (DATA_ROOT / version / name).open("rb") as f:
        return tomllib.load(f)


TENANTS_FILE = DATA_ROOT / "tenants.toml"
"""The onboarded municipalities (`voorportaal onboard-agency` appends to it), every version's."""


def read_tenants(path: Path = TENANTS_FILE) -> list[dict[str, Any]]:
    """The `[[tenant]]` entries of the tenants file (none when it does not exist)."""
    if not path.exists():
        return []
    with path.open("rb") as f:
        return list(tomllib.load(f).get("tenant", []))


@cache
def load_directory(version: str = CURRENT_VERSION) -> Directory:
    """The agency and service directory of a data version, with the onboarded tenants."""
    directory = Directory.model_validate(
        {**_read(version, "directory.toml"), "tenants": read_tenants()}
    )
    found = problems(directory)
    if found:
        raise DataProblems(f"{version}/directory.toml", found)
    return directory


@cache
def load_rules(version: str = CURRENT_VERSION) -> RuleSet:
    """The routing rules of a data version, checked against that version's directory."""
    rules = RuleSet.model_validate(_read(version, "rules.toml"))
    found = rule_problems(rules, load_directory(version))
    if found:
        raise DataProblems(f"{version}/rules.toml", found)
    return rules


@cache
def load_buddy_policy(version: str = CURRENT_VERSION) -> BuddyPolicy:
    """The buddy recommendation rules of a data version."""
    return BuddyPolicy.model_validate(_read(version, "buddy.toml"))


def content_findings(version: str = CURRENT_VERSION, *, today: date) -> SourceFindings:
    """What `voorportaal content check` reports about routing's data of a version: anything
    that stops it loading, and every rule or service without its source and checked date
    (problems), or checked more than a year before `today` (warnings)."""
    try:
        directory = load_directory(version)
        rules = load_rules(version)
        load_buddy_policy(version)
    except (ValidationError, DataProblems, OSError, tomllib.TOMLDecodeError) as exc:
        # The content check reports broken data as a finding instead of a traceback.
        return SourceFindings(problems=[f"routing data {version}: {exc}"])
    return source_findings(rules, directory, today)
