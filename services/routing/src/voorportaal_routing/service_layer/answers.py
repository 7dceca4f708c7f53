"""Agencies' answers: checked (the referral, the agency, its signature, the time, the
lifecycle), then applied once.

A response that breaks a rule — unknown referral, another agency's referral, a bad signature,
a `responded_at` far from now, a transition the lifecycle does not allow — is refused with its
reason (`ResponseRejected`: dead-lettered), never applied; the same answer sent again is
applied once. A promise is recorded for the dossier's promise ledger and moves no state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import PromiseRecorded, ReferralResponded
from voorportaal_contracts.signing import SIGNATURE_HEADER, verify, verify_value
from voorportaal_contracts.types import ReferralResponseKind
from voorportaal_routing.adapters.repositories import RoutingStore
from voorportaal_routing.domain.answers import answer_key, answer_time_problem, promise_id
from voorportaal_routing.domain.lifecycle import (
    ACTION_FOR_RESPONSE,
    ActorKind,
    InvalidTransition,
    ReferralState,
)
from voorportaal_routing.domain.referral import Referral
from voorportaal_routing.service_layer.common import Context, ResponseRejected, UseCase
from voorportaal_routing.service_layer.lifecycle import change

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AnswerPolicy:
    """What an answer must meet: the agency's key, how old or early it may be, and until
    when the legacy in-payload signature is read."""

    agency_key: Callable[[str], Any]
    max_age: timedelta = timedelta(hours=24)
    max_ahead: timedelta = timedelta(minutes=5)
    legacy_signatures_until: date | None = None


class Answers(UseCase):
    """`ReferralResponded` from `referral.responses`."""

    def __init__(self, ctx: Context, policy: AnswerPolicy) -> None:
        super().__init__(ctx)
        self._policy = policy

    async def on_response(self, session: AsyncSession, incoming: Envelope) -> None:
        """An agency's answer: checked (referral, agency, signature, lifecycle), then applied."""
        ctx, store = self._ctx, RoutingStore(session)
        response = incoming.data
        assert isinstance(response, ReferralResponded)
        referral = await store.referrals.get(response.referral_id, for_update=True)
        if referral is None:
            raise ResponseRejected(f"no referral {response.referral_id}")
        self._check(referral, incoming, response)
        key = answer_key(response)
        if await store.answers.seen(referral.id, key):
            log.info("routing.answer_repeated", referral_id=referral.id, response=response.response)
            return
        now = ctx.clock.now()
        await store.answers.add(
            referral.id, key, response.response.value, response.responded_at, now
        )
        if response.response is ReferralResponseKind.PROMISE_MADE:
            await ctx.stage(store, [(ctx.new(_promise(referral, response, key), incoming), None)])
            return
        if referral.state is ReferralState.HELD:
            raise ResponseRejected(f"referral {referral.id} waits on another and was not sent yet")
        if referral.state is ReferralState.UNCONFIRMED:
            raise ResponseRejected(f"referral {referral.id} awaits the intake's confirmation")
        action = ACTION_FOR_RESPONSE[response.response]
        assert action is not None
        details: dict[str, Any] = {}
        if response.decline_reason is not None:
            details["reason"] = response.decline_reason
        if response.outcome is not None:
            details["outcome"] = response.outcome
        if response.note is not None:
            details["note"] = response.note
        state = referral.state
        try:
            staged = await change(
                ctx, store, referral, action, ActorKind.AGENCY, "agency", incoming, **details
            )
        except InvalidTransition as refused:
            if await store.referrals.last_agency_action(referral.id) == action.value:
                # The same answer again, built anew (another responded_at): applied once.
                log.info("routing.answer_repeated", referral_id=referral.id, action=action.value)
                return
            log.warning(
                "routing.transition_refused",
                referral_id=referral.id,
                state=state.value,
                action=action.value,
                reason=refused.reason,
            )
            raise ResponseRejected(f"referral {referral.id}: {refused.reason}") from None
        await ctx.stage(store, staged)

    def _check(self, referral: Referral, incoming: Envelope, response: ReferralResponded) -> None:
        """Refuse an answer for another agency or case, badly signed, or out of time."""
        if referral.agency_code != response.agency_code or referral.case_id != response.case_id:
            log.warning(
                "routing.response_for_another_agency",
                referral_id=referral.id,
                agency=response.agency_code,
            )
            raise ResponseRejected(
                f"referral {referral.id} is not for agency {response.agency_code} in this case"
            )
        problem = self._signature_problem(incoming, response)
        if problem is not None:
            log.warning("routing.response_bad_signature", referral_id=referral.id)
            raise ResponseRejected(
                f"{problem} on referral {referral.id} from agency {response.agency_code}"
            )
        too_far = answer_time_problem(
            response.responded_at,
            self._ctx.clock.now(),
            max_age=self._policy.max_age,
            max_ahead=self._policy.max_ahead,
        )
        if too_far is not None:
            log.warning("routing.response_out_of_time", referral_id=referral.id)
            raise ResponseRejected(f"referral {referral.id}: {too_far}")

    def _signature_problem(self, incoming: Envelope, response: ReferralResponded) -> str | None:
        """Why the answer's signature does not hold (None: it does).

        v2, the `vp-signature` header over the exact value bytes, is checked when present and
        then alone; the legacy in-payload signature only without it, until its last day."""
        key = self._policy.agency_key(response.agency_code)
        if key is None:
            return "no key for this agency"
        header = (incoming.raw_headers or {}).get(SIGNATURE_HEADER)
        if header is not None:
            if incoming.raw_value is None or not verify_value(incoming.raw_value, header, key):
                return f"bad {SIGNATURE_HEADER} signature (HMAC-SHA256 over the record value)"
            return None
        if response.signature is None:
            return f"no signature (send {SIGNATURE_HEADER}: v2=<HMAC-SHA256 of the value>)"
        until = self._policy.legacy_signatures_until
        if until is None or self._ctx.clock.now().date() > until:
            return (
                "the in-payload signature is no longer accepted "
                f"(send {SIGNATURE_HEADER}: v2=<HMAC-SHA256 of the value>)"
            )
        if not verify(response, key):
            return "bad signature"
        return None


def _promise(referral: Referral, response: ReferralResponded, key: str) -> PromiseRecorded:
    if response.promise_due_at is None:
        raise ResponseRejected("a promise needs promise_due_at")
    return PromiseRecorded(
        case_id=referral.case_id,
        promise_id=promise_id(key),
        made_by=referral.agency_code,
        due_at=response.promise_due_at,
        referral_id=referral.id,
    )
