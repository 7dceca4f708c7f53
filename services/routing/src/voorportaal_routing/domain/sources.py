"""Every routing rule and every directory service names its source and when it was checked.

A rule or a service that sends a citizen somewhere rests on an agency's published rules; the
`source` (the agency's page, or the article of law) says which, and `checked` when someone
last compared the data with it. `voorportaal content check` fails on a missing source or date
and warns about anything checked longer than a year ago, so stale content gets a second look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from voorportaal_routing.domain.directory import Directory
from voorportaal_routing.domain.rules import RuleSet

STALE_AFTER: Final = timedelta(days=365)
"""Checked longer ago than this: warn, so someone checks it again."""


@dataclass(frozen=True, slots=True)
class SourceFindings:
    """What the check found: problems fail the content check, warnings are listed."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def source_findings(rules: RuleSet, directory: Directory, today: date) -> SourceFindings:
    """Rules and services without a source or checked date (problems), or checked more than a
    year before `today` or after it (warnings and problems)."""
    found = SourceFindings()
    items = [(f"rule {rule.id}", rule.source, rule.checked) for rule in rules.rules]
    items += [(f"service {s.id}", s.source, s.checked) for s in directory.services]
    for where, source, checked in items:
        if source is None:
            found.problems.append(f"{where}: no source (the agency's page or article of law)")
        elif source.startswith("http") and not source.startswith("https://"):
            found.problems.append(f"{where}: source {source!r} is not an https:// address")
        if checked is None:
            found.problems.append(f"{where}: no checked date")
        elif checked > today:
            found.problems.append(f"{where}: checked {checked} lies in the future")
        elif today - checked > STALE_AFTER:
            found.warnings.append(f"{where}: checked {checked}, more than a year ago")
    return found
