"""Composition root of the intake service: what it serves, consumes and migrates."""

from __future__ import annotations

from pathlib import Path

from voorportaal_intake.entrypoints.http.intakes import IntakeController, LifeEventController
from voorportaal_intake.settings import IntakeSettings, get_settings
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: IntakeSettings | None = None) -> ServiceDefinition:
    """The intake service as the kit runtime runs it."""
    return ServiceDefinition(
        settings=settings or get_settings(),
        migrations_dir=MIGRATIONS,
        title="Voorportaal intake",
        description="Life-event questionnaires, triage with reasons, and the checklist+.",
        route_handlers=[LifeEventController, IntakeController],
        # Only reading content and starting an intake need no token; the rest of /intakes goes
        # through the kit's auth middleware like every other protected route.
        public_paths=[r"^/life-events(?:/|$)", r"^/intakes/?$"],
        on_runtime=_wire,
    )


def _wire(runtime: ServiceRuntime) -> None:
    from voorportaal_intake.service_layer.intakes import IntakeService

    runtime.state["intakes"] = IntakeService(
        runtime.sessions, runtime.clock, runtime.settings.event_source
    )
