"""Recommending a buddy once, when the buddy rules hold (a person decides), and the buddy's
name agencies hear from the moment one took the case."""

from __future__ import annotations

from collections.abc import Sequence

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import BuddyAssigned, BuddyRecommended, CaseHandedOver, Reason
from voorportaal_routing.adapters.data_files import load_buddy_policy
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.buddy import CaseSummary, recommend_buddy
from voorportaal_routing.domain.lifecycle import ReferralState
from voorportaal_routing.domain.referral import Case, Referral
from voorportaal_routing.domain.rules import IntakeFacts
from voorportaal_routing.domain.sla import SlaAction
from voorportaal_routing.service_layer.common import Context, Staged


def recommendation(
    ctx: Context,
    case: Case,
    referrals: Sequence[Referral],
    incoming: Envelope | None,
    facts: IntakeFacts | None = None,
) -> Staged:
    """`BuddyRecommended` when the buddy rules hold for this case (nothing stored)."""
    facts = facts or case.intake_facts
    summary = CaseSummary(
        redzaamheid=facts.redzaamheid,
        urgency=facts.urgency,
        risks=facts.risks,
        agencies=frozenset(r.agency_code for r in referrals),
        declined_referrals=sum(1 for r in referrals if r.state == ReferralState.DECLINED),
        overdue_referrals=sum(1 for r in referrals if SlaAction.OVERDUE.value in r.sla_done),
    )
    recommended = recommend_buddy(summary, load_buddy_policy())
    if not recommended.recommended:
        return []
    event = BuddyRecommended(
        case_id=case.case_id,
        reasons=[Reason(rule=r.rule_id, nl=r.text.nl, en=r.text.en) for r in recommended.reasons],
        recommended_at=ctx.clock.now(),
    )
    return [(ctx.new(event, incoming), None)]


async def maybe_buddy(
    ctx: Context,
    store: RoutingStore,
    case_id: str,
    incoming: Envelope | None,
    *,
    case: Case | None = None,
    referrals: Sequence[Referral] | None = None,
) -> Staged:
    """Recommend a buddy once, when the rules say so (looked up unless given)."""
    if case is None:
        case = await store.cases.get(case_id)
    if case is None or case.buddy_recommended:
        return []
    if referrals is None:
        referrals = await store.referrals.of_case(case_id)
    staged = recommendation(ctx, case, referrals, incoming)
    if staged:
        case.buddy_recommended = True
        await store.cases.save(case, "buddy_recommended")
    return staged


async def on_buddy(store: RoutingStore, incoming: Envelope) -> None:
    """A buddy took the case (or it was handed over): agencies hear the name from now on."""
    data = incoming.data
    name = data.casemanager_name if isinstance(data, BuddyAssigned) else None
    if isinstance(data, CaseHandedOver):
        name = data.to_casemanager_name
    if name is None:
        return
    await store.cases.name_buddy(incoming.subject, name)
