"""Composition root of the notify service: what it serves, consumes, runs and migrates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog
from litestar import Router

from voorportaal_kit.audit_log import AuditLog, AuditTrail, anchor_job
from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_kit.runtime import PeriodicJob, ServiceDefinition, ServiceRuntime
from voorportaal_kit.settings import Environment
from voorportaal_notify.adapters.data_files import default_renderer, load_notices, load_rules
from voorportaal_notify.adapters.orm import audit_log, case_access
from voorportaal_notify.adapters.senders import EmailSender, SmsGateway
from voorportaal_notify.adapters.sms_gateway import HttpSmsGateway
from voorportaal_notify.adapters.smtp import SmtpEmailSender
from voorportaal_notify.entrypoints.http.routes import CaseNotifyController, CitizenController
from voorportaal_notify.entrypoints.messaging.subscriptions import subscriptions
from voorportaal_notify.service_layer.case_state import CaseState
from voorportaal_notify.service_layer.citizen_links import CitizenLinks
from voorportaal_notify.service_layer.delivery import DeliveryConfig, DeliveryWorker
from voorportaal_notify.service_layer.notice_sending import NoticeSender
from voorportaal_notify.service_layer.notices import CodeLimits, NoticeQueue
from voorportaal_notify.service_layer.notifications import NotifyService
from voorportaal_notify.service_layer.reminders import ChecklistReminders
from voorportaal_notify.settings import NotifySettings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"

log = structlog.get_logger(__name__)


def definition(
    settings: NotifySettings | None = None,
    *,
    email: EmailSender | None = None,
    sms: SmsGateway | None = None,
) -> ServiceDefinition:
    """The notify service as the kit runtime runs it; `email`/`sms` replace the real adapters
    (tests that simulate a crash wrap them)."""
    settings = settings or get_settings()
    public = [r"^/citizen/[^/]+/preferences(/confirm)?$"]
    handlers: list[Any] = [CaseNotifyController, CitizenController]
    if settings.environment is Environment.DEVELOPMENT:
        # What the local dev servers received: not even mounted outside development.
        outbox = _dev_outbox(settings)
        if outbox is not None:
            public.append(r"^/dev/outbox$")
            handlers.append(outbox)
    return ServiceDefinition(
        settings=settings,
        migrations_dir=MIGRATIONS,
        title="Voorportaal notify",
        description="SMS and e-mail status updates in the citizen's language, bundled.",
        route_handlers=handlers,
        public_paths=public,
        on_runtime=lambda runtime: _wire(runtime, settings, email, sms),
        subscriptions=lambda runtime: subscriptions(
            runtime.state["notify"],
            load_rules(),
            runtime.state["case_state"],
            runtime.state["notices"],
            runtime.state["access"],
            runtime.state["reminders"],
        ),
        jobs=lambda runtime: [
            PeriodicJob("delivery", settings.worker_interval_s, runtime.state["delivery"].run_once),
            anchor_job(runtime.state["audit"], runtime.sessions, settings, runtime.clock),
        ],
    )


def _dev_outbox(settings: NotifySettings) -> Router | None:
    """`/dev/outbox` from the dev servers' own package, imported here only in development so a
    production notify never loads them; None (logged) when notify runs without that package."""
    try:
        from voorportaal.devservers.outbox import dev_outbox_router
    except ModuleNotFoundError as exc:
        log.warning("notify.dev_outbox_unavailable", missing=exc.name)
        return None
    return dev_outbox_router(settings.dev_store)


def _wire(
    runtime: ServiceRuntime,
    settings: NotifySettings,
    email: EmailSender | None,
    sms: SmsGateway | None,
) -> None:
    runtime.state["notify_settings"] = settings
    link_key = settings.link_key.get_secret_value().encode()
    runtime.state["audit"] = AuditLog(audit_log)
    runtime.state["access"] = CaseAccessStore(case_access)
    runtime.state["case_state"] = CaseState(runtime.clock)
    runtime.state["notices"] = NoticeQueue(
        runtime.clock,
        link_key,
        CodeLimits(per_hour=settings.code_limit_per_hour, per_day=settings.code_limit_per_day),
        staff_emails=settings.staff_emails,
    )
    runtime.state["notify"] = NotifyService(
        runtime.sessions,
        runtime.clock,
        load_rules(),
        runtime.state["notices"],
        # Each record is published on access.log too: the citizen's "who looked" covers notify.
        AuditTrail(
            runtime.state["audit"],
            runtime.clock,
            source=settings.event_source,
            service=settings.service_name,
        ),
        runtime.state["access"],
        confirmation_ttl=timedelta(seconds=settings.confirmation_ttl_s),
        policy=settings.contact_policy(),
    )
    runtime.state["reminders"] = ChecklistReminders(
        runtime.sessions, runtime.clock, settings.reminder_timing(), settings.worker_batch_size
    )
    runtime.state["citizen_links"] = CitizenLinks(
        runtime.sessions, runtime.clock, link_key, runtime.state["access"]
    )
    runtime.state["delivery"] = _delivery_worker(
        runtime, settings, link_key, email or SmtpEmailSender(settings.smtp_config()), sms
    )


def _delivery_worker(
    runtime: ServiceRuntime,
    settings: NotifySettings,
    link_key: bytes,
    email: EmailSender,
    sms: SmsGateway | None,
) -> DeliveryWorker:
    sms_gateway = sms or HttpSmsGateway(settings.sms_config())
    return DeliveryWorker(
        runtime.sessions,
        runtime.clock,
        DeliveryConfig(
            policy=settings.contact_policy(),
            retry=settings.retry_policy(),
            link_key=link_key,
            link_base_url=settings.citizen_link_base_url,
            link_ttl=timedelta(days=settings.link_ttl_days),
            send_lease=timedelta(seconds=settings.send_lease_s),
            batch_size=settings.worker_batch_size,
            source=settings.event_source,
        ),
        default_renderer(max_sms_segments=settings.sms_max_segments),
        email,
        sms_gateway,
        notices=NoticeSender(
            runtime.sessions,
            runtime.clock,
            load_notices(),
            email,
            sms_gateway,
            settings.retry_policy(),
            lease=timedelta(seconds=settings.send_lease_s),
            batch_size=settings.worker_batch_size,
            console_url=settings.console_url,
        ),
        access=runtime.state["access"],
        reminders=runtime.state["reminders"],
    )
