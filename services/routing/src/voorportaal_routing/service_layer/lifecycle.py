"""One lifecycle step of a referral, whoever takes it (the agency's answer, a casemanager's
withdrawal, the SLA clock's expiry, an amended intake): checked by the transition table,
stored with its history, and announced; what follows from it (the next estafette step, a
buddy after a decline) follows here too."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    ReferralAccepted,
    ReferralCancelled,
    ReferralCompleted,
    ReferralDeclined,
    ReferralExpired,
    ReferralReceived,
    ReferralReturned,
    ReferralStarted,
    ReferralWithdrawn,
)
from voorportaal_contracts.registry import Event
from voorportaal_contracts.topics import referral_topic
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.lifecycle import (
    AWAITING_ANSWER,
    ActorKind,
    ReferralAction,
    ReferralState,
)
from voorportaal_routing.domain.referral import Referral, Step
from voorportaal_routing.service_layer.buddy import maybe_buddy
from voorportaal_routing.service_layer.chains import release_after
from voorportaal_routing.service_layer.common import Context, Staged

log = structlog.get_logger(__name__)

_CHANGE_EVENTS: dict[ReferralAction, type[Event]] = {
    ReferralAction.RECEIVE: ReferralReceived,
    ReferralAction.ACCEPT: ReferralAccepted,
    ReferralAction.DECLINE: ReferralDeclined,
    ReferralAction.START: ReferralStarted,
    ReferralAction.COMPLETE: ReferralCompleted,
    ReferralAction.RETURN: ReferralReturned,
    ReferralAction.WITHDRAW: ReferralWithdrawn,
    ReferralAction.EXPIRE: ReferralExpired,
}
"""The event each step the history records stands for."""


async def change(
    ctx: Context,
    store: RoutingStore,
    referral: Referral,
    action: ReferralAction,
    actor: ActorKind,
    by: str,
    incoming: Envelope | None,
    **details: Any,
) -> Staged:
    """Apply one lifecycle step (or raise `InvalidTransition`, changing nothing) and say
    what it causes. A planned referral (unconfirmed, held) can only be withdrawn."""
    before = referral.state
    new_state = referral.apply(action, actor, **details)
    now = ctx.clock.now()
    referral.updated_at = now
    changed = ["state", "updated_at"]
    if "reason" in details:
        referral.decline_reason = str(details["reason"])
        changed.append("decline_reason")
    if "outcome" in details:
        referral.outcome = details["outcome"]
        changed.append("outcome")
    if new_state not in AWAITING_ANSWER:
        referral.next_check_at = None
        changed.append("next_check_at")
    await store.referrals.save(referral, *changed)
    await store.referrals.record(
        Step(
            referral_id=referral.id,
            from_state=before.value,
            to_state=new_state.value,
            action=action.value,
            actor=actor.value,
            by=by,
            note=details.get("note"),
            at=now,
        )
    )
    log.info(
        "routing.referral_changed",
        referral_id=referral.id,
        from_state=before.value,
        to_state=new_state.value,
        actor=actor.value,
    )
    staged = _announce(ctx, referral, action, by, incoming, details, now)
    if new_state is ReferralState.COMPLETED:
        staged += await release_after(ctx, store, referral, incoming)
    if new_state is ReferralState.DECLINED:
        staged += await maybe_buddy(ctx, store, referral.case_id, incoming)
    return staged


def _announce(
    ctx: Context,
    referral: Referral,
    action: ReferralAction,
    by: str,
    incoming: Envelope | None,
    details: dict[str, Any],
    now: datetime,
) -> Staged:
    """The step's event for the case, and `ReferralCancelled` for an agency that had the
    referral when it is withdrawn or expires."""
    fields: dict[str, Any] = {
        "case_id": referral.case_id,
        "referral_id": referral.id,
        "agency_code": referral.agency_code,
        "by": by,
        "note": details.get("note"),
        "changed_at": now,
    }
    if action is ReferralAction.DECLINE:
        fields["reason"] = details["reason"]
    if action is ReferralAction.COMPLETE:
        fields["outcome"] = details["outcome"]
    staged: Staged = [(ctx.new(_CHANGE_EVENTS[action](**fields), incoming), None)]
    if action in (ReferralAction.WITHDRAW, ReferralAction.EXPIRE) and referral.went_out:
        cancelled = ReferralCancelled(
            case_id=referral.case_id,
            referral_id=referral.id,
            agency_code=referral.agency_code,
            state=referral.state.value,
        )
        staged.append((ctx.new(cancelled, incoming), referral_topic(referral.agency_code)))
    return staged
