"""Composition root of the routing service: what it serves, consumes and migrates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from voorportaal_contracts.topics import TOPICS, referral_spec
from voorportaal_kit.audit_log import anchor_job
from voorportaal_kit.runtime import PeriodicJob, ServiceDefinition, ServiceRuntime
from voorportaal_routing.adapters.data_files import load_directory
from voorportaal_routing.entrypoints.http.routes import (
    AgencyController,
    DirectoryController,
    ReferralController,
)
from voorportaal_routing.entrypoints.messaging.subscriptions import subscriptions
from voorportaal_routing.service_layer.directory import DirectoryService
from voorportaal_routing.service_layer.routing import RoutingService
from voorportaal_routing.settings import RoutingSettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: RoutingSettings | None = None) -> ServiceDefinition:
    """The routing service as the kit runtime runs it."""
    settings = settings or get_settings()
    return ServiceDefinition(
        settings=settings,
        migrations_dir=MIGRATIONS,
        title="Voorportaal routing",
        description=(
            "Agency directory, referrals over per-agency topics, SLA clocks, estafette chains."
        ),
        route_handlers=[DirectoryController, AgencyController, ReferralController],
        # Every national agency's own topic, so a referral never waits on a topic that is not
        # there. A municipality's topics are made when it is onboarded (`voorportaal
        # onboard-agency`, `voorportaal topics`), not by every service start.
        topics=[
            *TOPICS,
            *(
                referral_spec(o.code)
                for o in load_directory().organizations
                if not o.per_municipality
            ),
        ],
        public_paths=[r"^/directory/?$", r"^/directory/services/[^/]+$", r"^/agencies/"],
        on_runtime=lambda runtime: _wire(runtime, settings),
        subscriptions=lambda runtime: subscriptions(
            runtime.state["routing"], settings.intake_members
        ),
        jobs=lambda runtime: [
            PeriodicJob(
                "sla-chains-and-grants", settings.sweep_interval_s, runtime.state["routing"].sweep
            ),
            anchor_job(
                runtime.state["routing"].audit.log, runtime.sessions, settings, runtime.clock
            ),
        ],
    )


def _wire(runtime: ServiceRuntime, settings: RoutingSettings) -> None:
    runtime.state["routing"] = RoutingService(
        runtime.sessions,
        runtime.clock,
        settings.event_source,
        settings.agency_key,
        chain_max_wait_working_days=settings.chain_max_wait_working_days,
        answer_max_age=timedelta(seconds=settings.answer_max_age_s),
        answer_max_ahead=timedelta(seconds=settings.answer_max_ahead_s),
        legacy_signatures_until=settings.legacy_signatures_until,
    )
    runtime.state["directory"] = DirectoryService(runtime.sessions, runtime.clock)
