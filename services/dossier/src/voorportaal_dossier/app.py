"""Composition root of the dossier service: what it serves, consumes and migrates."""

from __future__ import annotations

from pathlib import Path

from voorportaal_dossier.settings import DossierSettings, get_settings
from voorportaal_kit.runtime import ServiceDefinition

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: DossierSettings | None = None) -> ServiceDefinition:
    """The dossier service as the kit runtime runs it."""
    return ServiceDefinition(
        settings=settings or get_settings(),
        migrations_dir=MIGRATIONS,
        title="Voorportaal dossier",
        description="Cases, timeline, ownership and handover, sharing, access audit, promises.",
    )
