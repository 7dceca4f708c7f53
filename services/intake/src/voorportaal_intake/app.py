"""Composition root of the intake service: what it serves, consumes and migrates."""

from __future__ import annotations

from pathlib import Path

from voorportaal_intake.settings import IntakeSettings, get_settings
from voorportaal_kit.runtime import ServiceDefinition

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: IntakeSettings | None = None) -> ServiceDefinition:
    """The intake service as the kit runtime runs it."""
    return ServiceDefinition(
        settings=settings or get_settings(),
        migrations_dir=MIGRATIONS,
        title="Voorportaal intake",
        description="Life-event questionnaires, triage with reasons, and the checklist+.",
    )
