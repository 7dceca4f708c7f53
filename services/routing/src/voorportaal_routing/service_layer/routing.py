"""The routing service's use cases wired together for the composition root (`app.py`).

A thin facade: it builds each use case with what it needs and exposes their handlers under
one name, so the subscriptions and the HTTP routes read like a table of contents. The rules
live in the modules it wires: `intakes` (from an intake to referrals), `offers` (the one path
that makes and offers a referral), `answers` (agencies' answers), `lifecycle` (one step of a
referral), `chains` (estafettes), `consent` (grants and identity handover), `erasure`, `sla`
(the clock and the sweep), `buddy`, `staff` (the referral routes), `directory`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_kit.audit_log import AuditLog, AuditTrail
from voorportaal_kit.case_access import CaseAccessStore
from voorportaal_kit.clock import Clock
from voorportaal_routing.adapters.orm import audit_log, case_access
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.service_layer.answers import AnswerPolicy, Answers
from voorportaal_routing.service_layer.buddy import on_buddy
from voorportaal_routing.service_layer.common import Context
from voorportaal_routing.service_layer.consent import Consent
from voorportaal_routing.service_layer.erasure import Erasure
from voorportaal_routing.service_layer.intakes import Intakes
from voorportaal_routing.service_layer.sla import Sweep
from voorportaal_routing.service_layer.staff import StaffActions


class RoutingService:
    """Referrals from intake to agency and back: the handlers of every use case."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        source: str,
        agency_key: Callable[[str], Any],
        chain_max_wait_working_days: int = 20,
        *,
        answer_max_age: timedelta = timedelta(hours=24),
        answer_max_ahead: timedelta = timedelta(minutes=5),
        legacy_signatures_until: date | None = None,
        access: CaseAccessStore | None = None,
        audit: AuditTrail | None = None,
    ) -> None:
        ctx = Context(clock, source)
        self.access = access or CaseAccessStore(case_access)
        """Who may see each case (owner, team, queue, grants), from `case.events`."""
        self.audit = audit or AuditTrail(
            AuditLog(audit_log), clock, source=source, service="routing"
        )
        """Every read and change by a person, allowed or refused."""
        intakes = Intakes(ctx)
        self.on_intakes = intakes.on_intakes
        self.on_intake_submitted = intakes.on_intake_submitted
        self.on_intake_confirmed = intakes.on_intake_confirmed
        consent = Consent(ctx)
        self.on_citizen_identified = consent.on_citizen_identified
        self.on_identity_erased = consent.on_identity_erased
        self.on_consent_granted = consent.on_consent_granted
        self.on_consent_revoked = consent.on_consent_revoked
        self.on_case_anonymised = Erasure(ctx).on_case_anonymised
        policy = AnswerPolicy(agency_key, answer_max_age, answer_max_ahead, legacy_signatures_until)
        self.on_response = Answers(ctx, policy).on_response
        self.staff = StaffActions(ctx, sessions, self.access, self.audit)
        """The referral routes' use cases (read, refer by hand, withdraw, nudge)."""
        self.case_referrals = self.staff.case_referrals
        self.add_referral = self.staff.add_referral
        self.withdraw = self.staff.withdraw
        self.nudge = self.staff.nudge
        self.sweep = Sweep(ctx, sessions, chain_max_wait_working_days).sweep

    @staticmethod
    async def on_buddy(session: AsyncSession, incoming: Envelope) -> None:
        """A buddy took the case (or it was handed over): agencies hear the name from now on."""
        await on_buddy(RoutingStore(session), incoming)
