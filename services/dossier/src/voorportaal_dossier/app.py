"""Composition root of the dossier service: what it serves, consumes and migrates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from voorportaal_dossier.adapters.clock import OffsetClock
from voorportaal_dossier.adapters.filestore import DocumentStore
from voorportaal_dossier.entrypoints.http.routes import ROUTE_HANDLERS
from voorportaal_dossier.entrypoints.http.short_links import ShortLinkController
from voorportaal_dossier.entrypoints.messaging.subscriptions import subscriptions
from voorportaal_dossier.service_layer.citizen_view import Phones
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings, get_settings
from voorportaal_kit.audit_log import AnchorFile
from voorportaal_kit.runtime import PeriodicJob, ServiceDefinition, ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: DossierSettings | None = None) -> ServiceDefinition:
    """The dossier service as the kit runtime runs it."""
    settings = settings or get_settings()
    return ServiceDefinition(
        settings=settings,
        migrations_dir=MIGRATIONS,
        title="Voorportaal dossier",
        description=(
            "Cases, timeline, ownership and handover, contact moments, the promise ledger, "
            "sharing and mandates, the access audit log, documents and the citizen's view."
        ),
        route_handlers=[*ROUTE_HANDLERS, ShortLinkController],
        # The citizen's pages check their signed link themselves.
        public_paths=[r"^/citizen/"],
        on_runtime=lambda runtime: _wire(runtime, settings),
        subscriptions=lambda runtime: subscriptions(
            runtime.state["dossier"].projection,
            settings.consumer_group_prefix,
            settings.projection_members,
        ),
        jobs=lambda runtime: [
            PeriodicJob(
                "promises",
                settings.promise_interval_s,
                runtime.state["dossier"].promises.promise_sweep,
            ),
            PeriodicJob(
                "retention",
                settings.retention_interval_s,
                runtime.state["dossier"].retention.retention_sweep,
            ),
            PeriodicJob(
                "audit_anchor",
                settings.audit_anchor_interval_s,
                runtime.state["dossier"].audit.anchor_audit,
            ),
        ],
    )


def _wire(runtime: ServiceRuntime, settings: DossierSettings) -> None:
    clock = runtime.clock
    if settings.clock_offset_s:
        clock = OffsetClock(clock, timedelta(seconds=settings.clock_offset_s))
    runtime.state["dossier"] = DossierService(
        runtime.sessions,
        clock,
        settings.event_source,
        documents=DocumentStore(settings.effective_documents_dir),
        link_key=settings.link_key,
        link_ttl=timedelta(seconds=settings.citizen_link_ttl_s),
        retention=timedelta(days=settings.retention_days),
        max_upload_bytes=settings.max_upload_bytes,
        teams=settings.teams,
        anchors=AnchorFile(settings.effective_audit_anchor_file),
        anchor_key=settings.anchor_key,
        phones=Phones(settings.contact_phone, settings.team_phones, settings.staff_phones),
        search_per_minute=settings.search_per_minute,
    )
