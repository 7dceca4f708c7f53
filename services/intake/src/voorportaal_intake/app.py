"""Composition root of the intake service: what it serves, consumes and migrates."""

from __future__ import annotations

from pathlib import Path

from voorportaal_contracts.topics import CASE_EVENTS
from voorportaal_intake.entrypoints.http.intakes import IntakeController, LifeEventController
from voorportaal_intake.settings import IntakeSettings, get_settings
from voorportaal_kit.audit_log import anchor_job
from voorportaal_kit.consumer import Subscription
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: IntakeSettings | None = None) -> ServiceDefinition:
    """The intake service as the kit runtime runs it."""
    settings = settings or get_settings()
    return ServiceDefinition(
        settings=settings,
        migrations_dir=MIGRATIONS,
        title="Voorportaal intake",
        description="Life-event questionnaires, triage with reasons, and the checklist+.",
        route_handlers=[LifeEventController, IntakeController],
        # Only reading content and starting an intake need no token; the rest of /intakes goes
        # through the kit's auth middleware like every other protected route.
        public_paths=[r"^/life-events(?:/|$)", r"^/intakes/?$"],
        on_runtime=_wire,
        subscriptions=lambda runtime: [
            # One group for every case.events fact the intake needs: who may see a case
            # (owner, team, queue, grants, mandates); more handlers join this map.
            Subscription(
                CASE_EVENTS, "intake.case_events", runtime.state["intakes"].access.handlers()
            )
        ],
        jobs=lambda runtime: [
            anchor_job(
                runtime.state["intakes"].audit.log, runtime.sessions, settings, runtime.clock
            )
        ],
    )


def _wire(runtime: ServiceRuntime) -> None:
    from voorportaal_intake.service_layer.intakes import IntakeService

    runtime.state["intakes"] = IntakeService(
        runtime.sessions, runtime.clock, runtime.settings.event_source
    )
