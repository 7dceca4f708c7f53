"""From an intake to referrals: a new case is routed and its referrals offered, an amended
one re-planned (what is no longer needed is withdrawn), a confirmed one sent.

An intake awaiting the citizen's confirmation is planned only (`unconfirmed`) until
`IntakeConfirmed`. Handlers run inside the kit's consumer transaction (inbox), so a
redelivered event changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import IntakeAmended, IntakeConfirmed, IntakeSubmitted
from voorportaal_contracts.types import SharingScope
from voorportaal_routing.adapters.data_files import load_rules
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.lifecycle import (
    OPEN_STATES,
    PLANNED_STATES,
    ActorKind,
    ReferralAction,
    ReferralState,
)
from voorportaal_routing.domain.referral import Case, Referral
from voorportaal_routing.domain.rules import IntakeFacts, route
from voorportaal_routing.service_layer.buddy import maybe_buddy, recommendation
from voorportaal_routing.service_layer.common import ConfirmationRejected, Staged, UseCase
from voorportaal_routing.service_layer.consent import seed_grants
from voorportaal_routing.service_layer.directory import current_directory
from voorportaal_routing.service_layer.lifecycle import change
from voorportaal_routing.service_layer.offers import (
    ISSUE_FIELDS,
    Audience,
    create_referrals,
    issue,
    issued_event,
    new_referral_id,
    offer_to,
)

log = structlog.get_logger(__name__)


class Intakes(UseCase):
    """`IntakeSubmitted`, `IntakeAmended` and `IntakeConfirmed` from `intake.events`."""

    async def on_intakes(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
        """Many intakes at once (the consumer's batch): new cases are routed together, in a
        handful of statements (bench/routing.py measures this path); a case already known
        (an amendment) or appearing twice in the batch goes one by one, in order."""
        store = RoutingStore(session)
        counts = Counter(e.subject for e in envelopes)
        await store.cases.lock(counts)
        known = await store.cases.known(list(counts))
        fresh = [e for e in envelopes if e.subject not in known and counts[e.subject] == 1]
        if fresh:
            await self._route_new(store, fresh)
        chosen = {id(e) for e in fresh}
        for envelope in envelopes:
            if id(envelope) not in chosen:
                await self.on_intake_submitted(session, envelope)

    async def on_intake_submitted(self, session: AsyncSession, incoming: Envelope) -> None:
        """One intake: a new case is routed, a known one re-planned (a later revision)."""
        store = RoutingStore(session)
        event = incoming.data
        assert isinstance(event, IntakeSubmitted | IntakeAmended)
        await store.cases.lock([event.case_id])
        case = await store.cases.get(event.case_id)
        if case is None:
            await self._route_new(store, [incoming])
            return
        revision = _revision(incoming)
        if case.anonymised_at is not None:
            log.info("routing.intake_of_anonymised_case_ignored", revision=revision)
            return
        if case.revision >= revision:
            log.info("routing.stale_intake_ignored", revision=revision, known=case.revision)
            return
        await self._amend(store, case, incoming)

    async def _route_new(self, store: RoutingStore, fresh: Sequence[Envelope]) -> None:
        """New cases: routed, their referrals created and offered, maybe a buddy."""
        ctx = self._ctx
        now = ctx.clock.now()
        directory = await current_directory(store)
        rules = load_rules()
        await seed_grants(ctx, store, fresh)
        grants_by_case = await store.grants.of_cases([e.subject for e in fresh])
        # What the citizen told about themselves matters only where a grant shares who they
        # are (`identity`) or their own words (`summary`) now, so it is read for those cases
        # only, in one query (bench/routing.py); as `Context.identity_if_shared` decides.
        shared = {SharingScope.IDENTITY, SharingScope.SUMMARY}
        identities = await store.identities.of_cases(
            [
                case_id
                for case_id, found in grants_by_case.items()
                if any(shared & g.scopes and g.holds_at(now) for g in found)
            ]
        )
        new_cases: list[Case] = []
        created: list[Referral] = []
        staged: Staged = []
        for incoming in fresh:
            facts, values = self._facts(incoming)
            event = incoming.data
            assert isinstance(event, IntakeSubmitted | IntakeAmended)
            case = Case(
                case_id=event.case_id,
                buddy_recommended=False,
                buddy_name=None,
                awaiting_confirmation=event.awaiting_confirmation,
                anonymised_at=None,
                created_at=now,
                **values,
            )
            planned = route(facts, directory, rules)
            audience = Audience(
                case, identities.get(case.case_id), grants_by_case.get(case.case_id, [])
            )
            ids = {p.service_id: new_referral_id() for p in planned}
            made, events = create_referrals(ctx, audience, planned, ids, incoming, now)
            staged += events
            if not case.awaiting_confirmation:
                buddy = recommendation(ctx, case, made, incoming, facts)
                case.buddy_recommended = bool(buddy)
                staged += buddy
            new_cases.append(case)
            created += made
        await store.cases.add(new_cases)
        await store.referrals.add(created)
        await ctx.stage(store, staged)

    async def _amend(self, store: RoutingStore, case: Case, incoming: Envelope) -> None:
        """A later revision of a known case: re-planned; what is no longer needed goes (a
        plan never announced is dropped, one that was is withdrawn), what is new is made.
        An amendment neither holds a confirmed case back nor releases a held one."""
        ctx = self._ctx
        facts, values = self._facts(incoming)
        for name, value in values.items():
            setattr(case, name, value)
        await store.cases.save(case, *values)
        await seed_grants(ctx, store, [incoming])
        planned = route(facts, await current_directory(store), load_rules())
        existing = await store.referrals.of_case(case.case_id)
        current = {
            r.service_id: r for r in existing if r.state in PLANNED_STATES or r.state in OPEN_STATES
        }
        still = {p.service_id for p in planned}
        staged: Staged = []
        for referral in existing:
            if referral.service_id in still:
                continue
            if referral.state is ReferralState.UNCONFIRMED:
                await store.referrals.remove(referral)  # never announced: the plan changes
            elif referral.state is ReferralState.HELD or referral.state in OPEN_STATES:
                staged += await change(
                    ctx,
                    store,
                    referral,
                    ReferralAction.WITHDRAW,
                    ActorKind.VOORPORTAAL,
                    "system",
                    incoming,
                    note="The amended intake no longer needs this referral.",
                )
        ids = {
            p.service_id: current[p.service_id].id if p.service_id in current else new_referral_id()
            for p in planned
        }
        case_grants = await store.grants.of_case(case.case_id)
        identity = await ctx.identity_if_shared(store, case.case_id, case_grants)
        made, events = create_referrals(
            ctx,
            Audience(case, identity, case_grants),
            [p for p in planned if p.service_id not in current],
            ids,
            incoming,
            ctx.clock.now(),
        )
        staged += events
        await store.referrals.add(made)
        if not case.awaiting_confirmation:
            staged += await maybe_buddy(
                ctx, store, case.case_id, incoming, case=case, referrals=[*existing, *made]
            )
        await ctx.stage(store, staged)

    async def on_intake_confirmed(self, session: AsyncSession, incoming: Envelope) -> None:
        """The citizen confirmed (or staff took in) an intake that waited: its planned
        referrals go out now, as they would have at once, each with its clock."""
        ctx, store = self._ctx, RoutingStore(session)
        event = incoming.data
        assert isinstance(event, IntakeConfirmed)
        await store.cases.lock([event.case_id])
        case = await store.cases.get(event.case_id)
        if case is None or not case.awaiting_confirmation:
            log.info("routing.confirmation_without_waiting_intake", intake_id=event.intake_id)
            return
        if case.intake_id is not None and case.intake_id != event.intake_id:
            raise ConfirmationRejected(
                f"intake_id {event.intake_id} is not the intake of case {event.case_id}"
            )
        now = ctx.clock.now()
        case.awaiting_confirmation = False
        case.updated_at = now
        await store.cases.save(case, "awaiting_confirmation", "updated_at")
        case_grants = await store.grants.of_case(event.case_id)
        audience = Audience(
            case, await ctx.identity_if_shared(store, event.case_id, case_grants), case_grants
        )
        staged: Staged = []
        for referral in await store.referrals.of_case(event.case_id):
            if referral.state is not ReferralState.UNCONFIRMED:
                continue
            offer: Staged = []
            if referral.waits_on:
                referral.apply(ReferralAction.HOLD, ActorKind.VOORPORTAAL)
            else:
                issue(referral, ReferralAction.CONFIRM, now)
                offer = offer_to(ctx, referral, incoming, audience)
            referral.updated_at = now
            await store.referrals.save(
                referral, *ISSUE_FIELDS, "mode", "shared_scopes", "updated_at"
            )
            summary_shared = SharingScope.SUMMARY in referral.held_scopes
            staged.append(
                (ctx.new(issued_event(referral, summary_shared=summary_shared), incoming), None)
            )
            staged += offer
        staged += await maybe_buddy(ctx, store, event.case_id, incoming, case=case)
        await ctx.stage(store, staged)

    def _facts(self, incoming: Envelope) -> tuple[IntakeFacts, dict[str, Any]]:
        """The routing facts of an intake event, and the case's values from it."""
        event = incoming.data
        assert isinstance(event, IntakeSubmitted | IntakeAmended)
        facts = IntakeFacts.from_submitted(event)
        values = {
            "revision": _revision(incoming),
            "intake_id": event.intake_id,
            "facts": facts.model_dump(mode="json"),
            "language": event.language,
            "channels": [c.value for c in event.preferred_channels],
            "updated_at": self._ctx.clock.now(),
        }
        return facts, values


def _revision(incoming: Envelope) -> int:
    """1 for a submission, the amendment's revision otherwise."""
    return incoming.data.revision if isinstance(incoming.data, IntakeAmended) else 1
