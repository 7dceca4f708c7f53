"""The SLA clock: remind the agency, flag a referral overdue, let it expire; and the periodic
sweep that runs it with the estafette's stall check and the grants that started or ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ReferralOverdue, ReferralReminded, ReferralReminder
from voorportaal_contracts.topics import referral_topic
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.lifecycle import AWAITING_ANSWER, ActorKind, ReferralAction
from voorportaal_routing.domain.referral import Referral
from voorportaal_routing.domain.sla import SlaAction, next_sla_check, sla_actions_due
from voorportaal_routing.service_layer.buddy import maybe_buddy
from voorportaal_routing.service_layer.chains import report_stalls
from voorportaal_routing.service_layer.common import Context, Staged
from voorportaal_routing.service_layer.consent import grant_changes
from voorportaal_routing.service_layer.lifecycle import change


def reminder(
    ctx: Context, referral: Referral, by: str, incoming: Envelope | None, *, nudge: bool
) -> Staged:
    """A reminder on the agency's topic, and `ReferralReminded` for the case."""
    now = ctx.clock.now()
    due = referral.due_at or now
    about = {
        "case_id": referral.case_id,
        "referral_id": referral.id,
        "agency_code": referral.agency_code,
    }
    to_agency = ReferralReminder(**about, due_at=due, nudge=nudge)
    reminded = ReferralReminded(**about, by=by, due_at=due, reminded_at=now)
    return [
        (ctx.new(to_agency, incoming), referral_topic(referral.agency_code)),
        (ctx.new(reminded, incoming), None),
    ]


class Sweep:
    """The periodic job: the clocks due, stalled chains, grants that started or ended."""

    def __init__(
        self,
        ctx: Context,
        sessions: async_sessionmaker[AsyncSession],
        chain_max_wait_working_days: int,
    ) -> None:
        self._ctx = ctx
        self._sessions = sessions
        self._chain_max_wait = chain_max_wait_working_days

    async def sweep(self) -> int:
        """Remind, flag overdue, expire; escalate stalled chains. Returns events staged."""
        ctx = self._ctx
        now = ctx.clock.now()
        staged_count = 0
        async with self._sessions.begin() as session:
            store = RoutingStore(session)
            for referral in await store.referrals.due_for_check(now):
                staged = await self._tick(store, referral, now)
                staged_count += len(staged)
                await ctx.stage(store, staged)
            for staged in (
                await report_stalls(ctx, store, now, self._chain_max_wait),
                await grant_changes(ctx, store, now),
            ):
                staged_count += len(staged)
                await ctx.stage(store, staged)
        return staged_count

    async def _tick(self, store: RoutingStore, referral: Referral, now: datetime) -> Staged:
        ctx = self._ctx
        clock = referral.clock()
        done = [SlaAction(a) for a in referral.sla_done]
        staged: Staged = []
        overdue = False
        for action in sla_actions_due(clock, now, referral.state, done):
            done.append(action)
            if action is SlaAction.REMIND:
                staged += reminder(ctx, referral, "system", None, nudge=False)
            elif action is SlaAction.OVERDUE:
                overdue = True
                event = ReferralOverdue(
                    case_id=referral.case_id,
                    referral_id=referral.id,
                    agency_code=referral.agency_code,
                    due_at=referral.due_at,
                    detected_at=now,
                )
                staged.append((ctx.new(event, None), None))
            elif action is SlaAction.EXPIRE:
                staged += await change(
                    ctx, store, referral, ReferralAction.EXPIRE, ActorKind.SYSTEM, "system", None
                )
        still_waiting = referral.state in AWAITING_ANSWER
        referral.sla_done = [a.value for a in done]
        referral.next_check_at = next_sla_check(clock, now, done) if still_waiting else None
        referral.updated_at = now
        await store.referrals.save(referral, "sla_done", "next_check_at", "updated_at")
        if overdue:
            staged += await maybe_buddy(ctx, store, referral.case_id, None)
        return staged
