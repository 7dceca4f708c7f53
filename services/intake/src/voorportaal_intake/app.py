"""Composition root of the intake service: what it serves, consumes and migrates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from voorportaal_intake.entrypoints.http.intakes import IntakeController
from voorportaal_intake.entrypoints.http.life_events import LifeEventController
from voorportaal_intake.entrypoints.messaging.subscriptions import case_events
from voorportaal_intake.service_layer.codes import CodePolicy
from voorportaal_intake.service_layer.context import IntakeContext, PersonalTopics, Safeguards
from voorportaal_intake.service_layer.intakes import IntakeService
from voorportaal_intake.service_layer.status_links import StatusLinks
from voorportaal_intake.settings import IntakeSettings, get_settings
from voorportaal_kit.audit_log import anchor_job
from voorportaal_kit.runtime import PeriodicJob, ServiceDefinition, ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"

HOUSEKEEPING_INTERVAL_S = 600.0
"""How often ended rate-limit windows are deleted."""

CODE_SWEEP_INTERVAL_S = 15.0
"""How often published one-time codes are deleted from the outbox (a code is in the database
in plain text only while it waits to be published, and at most this long after)."""


OVERDUE_SWEEP_INTERVAL_S = 300.0
"""How often checklist items whose deadline passed are looked for (a deadline passes at the
end of a Dutch day; announcing it within minutes is soon enough)."""


def definition(
    settings: IntakeSettings | None = None, *, topics: PersonalTopics | None = None
) -> ServiceDefinition:
    """The intake service as the kit runtime runs it; `topics` replaces the compacted topics
    for contact details and identities (tests of the log cleaner)."""
    settings = settings or get_settings()

    def service(runtime: ServiceRuntime) -> IntakeService:
        found: IntakeService = runtime.state["intakes"]
        return found

    return ServiceDefinition(
        settings=settings,
        migrations_dir=MIGRATIONS,
        title="Voorportaal intake",
        description="Life-event questionnaires, triage with reasons, and the checklist+.",
        route_handlers=[LifeEventController, IntakeController],
        # Only reading content and starting an intake need no token; the rest of /intakes goes
        # through the kit's auth middleware like every other protected route.
        public_paths=[r"^/life-events(?:/|$)", r"^/intakes/?$"],
        on_runtime=lambda runtime: _wire(runtime, settings, topics or PersonalTopics()),
        subscriptions=lambda runtime: [
            case_events(service(runtime).access, service(runtime).erasure)
        ],
        jobs=lambda runtime: [
            anchor_job(service(runtime).audit.log, runtime.sessions, settings, runtime.clock),
            PeriodicJob(
                "rate-limit-housekeeping",
                HOUSEKEEPING_INTERVAL_S,
                service(runtime).housekeeping.forget_expired_limits,
            ),
            PeriodicJob(
                "checklist-overdue-sweep",
                OVERDUE_SWEEP_INTERVAL_S,
                service(runtime).housekeeping.announce_overdue,
            ),
            PeriodicJob(
                "code-outbox-sweep",
                CODE_SWEEP_INTERVAL_S,
                service(runtime).housekeeping.forget_sent_codes,
            ),
        ],
    )


def _wire(runtime: ServiceRuntime, settings: IntakeSettings, topics: PersonalTopics) -> None:
    runtime.state["intake_settings"] = settings
    runtime.state["intakes"] = IntakeService(
        IntakeContext(
            runtime.sessions,
            runtime.clock,
            settings.event_source,
            safeguards=Safeguards(
                start_limits=settings.start_limits(),
                codes=CodePolicy(
                    ttl=timedelta(minutes=settings.code_ttl_minutes),
                    max_attempts=settings.code_max_attempts,
                    per_address=settings.code_limits(),
                    per_intake=settings.intake_code_limits(),
                ),
            ),
            topics=topics,
        ),
        person_limits=settings.person_limits(),
    )
    runtime.state["status_links"] = StatusLinks(
        runtime.clock,
        settings.portal_url,
        settings.link_key,
        timedelta(days=settings.citizen_link_ttl_days),
    )
    runtime.state["erasure"] = runtime.state["intakes"].erasure
