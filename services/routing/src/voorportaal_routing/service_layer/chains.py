"""Estafette chains: a referral held until the one it waits on is completed, then released;
a chain that stalls (its predecessor declined, returned, expired, withdrawn, or waiting too
long) is reported once (`domain/chains.py` decides which)."""

from __future__ import annotations

from datetime import datetime

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ChainStalled, Reason, ReferralReleased
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.chains import ChainLink, stalled_chains
from voorportaal_routing.domain.lifecycle import ReferralAction, ReferralState
from voorportaal_routing.domain.referral import Referral
from voorportaal_routing.service_layer.common import Context, Staged
from voorportaal_routing.service_layer.offers import ISSUE_FIELDS, issue, offer


async def release_after(
    ctx: Context, store: RoutingStore, done: Referral, incoming: Envelope | None
) -> Staged:
    """Referrals waiting on `done` (completed) go out now."""
    now = ctx.clock.now()
    staged: Staged = []
    for referral in await store.referrals.held_after(done.id):
        issue(referral, ReferralAction.RELEASE, now)
        referral.updated_at = now
        await store.referrals.save(referral, *ISSUE_FIELDS, "updated_at")
        released = ReferralReleased(
            case_id=referral.case_id,
            referral_id=referral.id,
            agency_code=referral.agency_code,
            after=done.id,
            due_at=referral.due_at or now,
            released_at=now,
        )
        staged.append((ctx.new(released, incoming), None))
        staged += await offer(ctx, store, referral, incoming)
    return staged


async def report_stalls(
    ctx: Context, store: RoutingStore, now: datetime, max_wait_working_days: int
) -> Staged:
    """`ChainStalled` for each held referral whose chain stalled, once."""
    staged: Staged = []
    for case_id in await store.referrals.cases_with_unreported_holds():
        referrals = await store.referrals.of_case(case_id)
        links = [
            ChainLink(
                referral_id=r.id,
                state=None if r.state is ReferralState.HELD else r.state,
                waits_on=r.waits_on,
                since=r.updated_at,
            )
            for r in referrals
        ]
        reported = {r.id for r in referrals if r.stall_reported}
        by_id = {r.id: r for r in referrals}
        for stall in stalled_chains(links, now, max_wait_working_days):
            if stall.referral_id in reported or stall.waits_on is None:
                continue
            text = stall.text
            stalled = ChainStalled(
                case_id=case_id,
                referral_id=stall.referral_id,
                waits_on=stall.waits_on,
                reason=stall.reason.value,
                text=Reason(rule=stall.reason.value, nl=text.nl, en=text.en),
                detected_at=now,
            )
            staged.append((ctx.new(stalled, None), None))
            referral = by_id[stall.referral_id]
            referral.stall_reported = stall.reason.value
            await store.referrals.save(referral, "stall_reported")
    return staged
