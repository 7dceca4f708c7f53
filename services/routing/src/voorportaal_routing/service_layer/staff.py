"""What people do with a case's referrals: read them (staff all, an agency with a current
grant its own, the citizen theirs), refer by hand, withdraw, nudge the agency.

Each request is one transaction in which the dossier's access decision is audited (`check`);
a refused one is rolled back and its refusal audited on its own (403).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.api.routing import ReferralOut, TransitionOut
from voorportaal_contracts.types import ReferralMode, SharingScope
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.case_access import CaseAccessStore, Decision, audit_record, decide
from voorportaal_kit.errors import Conflict, Forbidden, NotFound, ServiceError
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.lifecycle import (
    OPEN_STATES,
    ActorKind,
    InvalidTransition,
    ReferralAction,
)
from voorportaal_routing.domain.referral import Referral, Step
from voorportaal_routing.domain.rules import manual_referral
from voorportaal_routing.domain.sla import SlaAction
from voorportaal_routing.service_layer.common import Context
from voorportaal_routing.service_layer.directory import current_directory
from voorportaal_routing.service_layer.lifecycle import change
from voorportaal_routing.service_layer.offers import Audience, create_referrals, new_referral_id
from voorportaal_routing.service_layer.sla import reminder

STAFF = ("casemanager", "supervisor")

REFERRALS_KIND = "referrals"
"""The kind of personal data people read and change here (the dossier's `referrals`)."""


class StaffActions:
    """The referral routes' use cases."""

    def __init__(
        self,
        ctx: Context,
        sessions: async_sessionmaker[AsyncSession],
        access: CaseAccessStore,
        audit: AuditTrail,
    ) -> None:
        self._ctx = ctx
        self._sessions = sessions
        self._access = access
        self._audit = audit

    async def case_referrals(self, case_id: str, actor: Principal) -> list[ReferralOut]:
        """The referrals of a case, if the caller may see them (audited either way): the
        case's staff all, an agency with a current grant its own, the citizen theirs."""
        async with self._audit.transaction(self._sessions) as session:
            store = RoutingStore(session)
            decision = await self._check(
                store, actor, case_id, "referral_history", AuditAction.READ
            )
            referrals = await store.referrals.of_case(case_id)
            history = await store.referrals.history([r.id for r in referrals])
        visible = referrals
        if decision.basis.startswith("grant:"):
            visible = [r for r in referrals if r.agency_code in actor.agency_codes]
        if not visible and not referrals:
            raise NotFound("No referrals for this case.")
        return [referral_out(r, [h for h in history if h.referral_id == r.id]) for r in visible]

    async def withdraw(self, referral_id: str, note: str, actor: Principal) -> ReferralOut:
        """A casemanager of the case withdraws a referral that is no longer needed."""
        async with self._audit.transaction(self._sessions) as session:
            store = RoutingStore(session)
            referral = await self._referral(store, referral_id, actor, for_update=True)
            await self._check(
                store,
                actor,
                referral.case_id,
                "withdraw_referral",
                AuditAction.CHANGE,
                object_id=referral_id,
            )
            try:
                staged = await change(
                    self._ctx,
                    store,
                    referral,
                    ReferralAction.WITHDRAW,
                    ActorKind.VOORPORTAAL,
                    actor.subject,
                    None,
                    note=note,
                )
            except InvalidTransition as refused:
                raise Conflict(refused.reason) from None
            await self._ctx.stage(store, staged)
            return referral_out(referral)

    async def nudge(self, referral_id: str, actor: Principal) -> None:
        """A casemanager of the case reminds the agency of an open referral (on its topic)."""
        async with self._audit.transaction(self._sessions) as session:
            store = RoutingStore(session)
            referral = await self._referral(store, referral_id, actor)
            await self._check(
                store,
                actor,
                referral.case_id,
                "nudge_agency",
                AuditAction.CHANGE,
                object_id=referral_id,
            )
            if referral.state not in OPEN_STATES or referral.mode == ReferralMode.SELF_CONTACT:
                raise Conflict("Only an open referral that went to the agency can be nudged.")
            await self._ctx.stage(
                store, reminder(self._ctx, referral, actor.subject, None, nudge=True)
            )

    async def add_referral(
        self, case_id: str, service_id: str, note: str, actor: Principal
    ) -> ReferralOut:
        """A casemanager of the case refers it to another service by hand (the note says why):
        made and offered the way an intake's referrals are."""
        ctx = self._ctx
        async with self._audit.transaction(self._sessions) as session:
            store = RoutingStore(session)
            await self._check(store, actor, case_id, "add_referral", AuditAction.CHANGE)
            case = await store.cases.get(case_id)
            if case is None:
                raise NotFound("Routing does not know this case (yet).")
            directory = await current_directory(store)
            facts = case.intake_facts
            try:
                service = directory.local_service(service_id, facts.municipality_code)
            except KeyError:
                raise ServiceError(f"No service {service_id!r}.", field="service_id") from None
            existing = await store.referrals.of_case(case_id)
            if any(r.service_id == service.id and r.state in OPEN_STATES for r in existing):
                raise Conflict("There is an open referral to this service already.")
            plan = manual_referral(service, facts, note, directory=directory)
            case_grants = await store.grants.of_case(case_id)
            identity = await ctx.identity_if_shared(store, case_id, case_grants)
            made, staged = create_referrals(
                ctx,
                Audience(case, identity, case_grants),
                [plan],
                {plan.service_id: new_referral_id()},
                None,
                ctx.clock.now(),
                manual_by=actor.subject,
            )
            await store.referrals.add(made)
            await ctx.stage(store, staged)
            return referral_out(made[0])

    async def _referral(
        self, store: RoutingStore, referral_id: str, actor: Principal, *, for_update: bool = False
    ) -> Referral:
        """The referral; an unknown one is 404 for staff and 403 for anyone else (who may
        not learn which referrals exist)."""
        referral = await store.referrals.get(referral_id, for_update=for_update)
        if referral is None:
            if not actor.has_role(*STAFF):
                raise Forbidden("Only a casemanager or supervisor does this.")
            raise NotFound("No such referral.")
        return referral

    async def _check(
        self,
        store: RoutingStore,
        actor: Principal,
        case_id: str,
        purpose: str,
        action: AuditAction,
        *,
        object_id: str | None = None,
    ) -> Decision:
        """The dossier's decision on this case's referrals (owner, team, queue, supervisor,
        grant, the citizen's link): allowed, it is audited in this transaction; refused, the
        transaction is rolled back and the refusal audited on its own (403)."""
        now = self._ctx.clock.now()
        change_ = action is AuditAction.CHANGE
        decision = decide(
            actor,
            await self._access.get(store.session, case_id),
            SharingScope.SUMMARY,
            now,
            data_kind=REFERRALS_KIND,
            change=change_,
            staff_only=change_,
            queue_visible=True,
        )
        record = audit_record(
            actor, case_id, REFERRALS_KIND, purpose, action, decision, now, object_id=object_id
        )
        await self._audit.check(store.session, record, allowed=decision.allowed)
        return decision


_AS_STORED = tuple(name for name in ReferralOut.model_fields if name not in ("overdue", "history"))
"""The answer's fields that are the referral's own."""


def referral_out(referral: Referral, history: list[Step] | None = None) -> ReferralOut:
    """A referral as staff, the agency and the citizen see it."""
    return ReferralOut(
        **{name: getattr(referral, name) for name in _AS_STORED},
        overdue=SlaAction.OVERDUE.value in (referral.sla_done or []),
        history=[
            TransitionOut.model_validate(step, from_attributes=True) for step in history or []
        ],
    )
