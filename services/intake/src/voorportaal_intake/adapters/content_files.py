"""Reads the life-event content files (TOML) of a content version."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from voorportaal_contracts.types import LifeEvent
from voorportaal_intake.adapters import translations
from voorportaal_intake.domain.content import Catalogue, LifeEventContent
from voorportaal_intake.domain.identity import MunicipalityTable
from voorportaal_intake.domain.triage import TriageContent

CONTENT_ROOT = Path(__file__).resolve().parents[1] / "content"
CURRENT_VERSION = "v1"


@cache
def load_catalogue(version: str = CURRENT_VERSION) -> Catalogue:
    """Agencies, needs and risks of a content version."""
    return Catalogue.model_validate(translations.read(CONTENT_ROOT / version, "catalogue.toml"))


@cache
def load_life_events(version: str = CURRENT_VERSION) -> dict[LifeEvent, LifeEventContent]:
    """Every life event's content of a version, by code."""
    found: dict[LifeEvent, LifeEventContent] = {}
    for path in sorted((CONTENT_ROOT / version / "life_events").glob("*.toml")):
        data = translations.read(path.parents[1], f"life_events/{path.name}")
        content = LifeEventContent.model_validate(data)
        if path.stem != content.code.value:
            raise ValueError(f"{path.name} holds life event {content.code.value}")
        found[content.code] = content
    return found


@cache
def load_triage(version: str = CURRENT_VERSION) -> TriageContent:
    """The profile questions and triage rules of a content version."""
    return TriageContent.model_validate(translations.read(CONTENT_ROOT / version, "triage.toml"))


@cache
def load_municipalities(version: str = CURRENT_VERSION) -> MunicipalityTable:
    """Postcode ranges to municipality codes of a content version."""
    with (CONTENT_ROOT / version / "municipalities.toml").open("rb") as f:
        return MunicipalityTable.model_validate(tomllib.load(f))
