"""Composition root of the notify service: what it serves, consumes and migrates."""

from __future__ import annotations

from pathlib import Path

from voorportaal_kit.runtime import ServiceDefinition
from voorportaal_notify.settings import NotifySettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: NotifySettings | None = None) -> ServiceDefinition:
    """The notify service as the kit runtime runs it."""
    return ServiceDefinition(
        settings=settings or get_settings(),
        migrations_dir=MIGRATIONS,
        title="Voorportaal notify",
        description="SMS and e-mail status updates in the citizen's language, bundled.",
    )
