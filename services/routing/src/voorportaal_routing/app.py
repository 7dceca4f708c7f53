"""Composition root of the routing service: what it serves, consumes and migrates."""

from __future__ import annotations

from pathlib import Path

from voorportaal_kit.runtime import ServiceDefinition
from voorportaal_routing.settings import RoutingSettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: RoutingSettings | None = None) -> ServiceDefinition:
    """The routing service as the kit runtime runs it."""
    return ServiceDefinition(
        settings=settings or get_settings(),
        migrations_dir=MIGRATIONS,
        title="Voorportaal routing",
        description=(
            "Agency directory, referrals over per-agency topics, SLA clocks, estafette chains."
        ),
    )
