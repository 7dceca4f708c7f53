"""The referral lifecycle: one transition table, and `transition` to apply it.

```
unconfirmed ──confirm──▶ issued          (the citizen confirmed the intake)
     └─────────hold────▶ held ──release──▶ issued   (estafette: the step it waits on is done)
unconfirmed | held ──▶ withdrawn (by the voorportaal)

issued ──▶ received ──▶ accepted ──▶ in_progress ──▶ completed(outcome)
   │           │            │              └───────▶ returned
   │           │            ├──────────────────────▶ completed(outcome) | returned
   ├───────────┴──▶ accepted | declined(reason) | expired
   └── any state that is not final ──▶ withdrawn (by the voorportaal)
```

`unconfirmed` and `held` are planned: nothing went to the agency yet and no clock runs; the
voorportaal confirms, holds and releases them. The agency moves its own referral (receive,
accept, decline, start, complete, return); the voorportaal (a casemanager, or routing on the
citizen's behalf) withdraws it; the system (the SLA clock) lets it expire. A final state
accepts nothing. A refused transition raises `InvalidTransition` and changes nothing; the
caller logs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from voorportaal_contracts.types import DeclineReason, ReferralResponseKind


class ReferralState(StrEnum):
    """Where a referral is in its lifecycle."""

    UNCONFIRMED = "unconfirmed"
    """Planned for an intake awaiting the citizen's confirmation: not sent, no clock."""
    HELD = "held"
    """Planned, waiting on another referral (estafette): not sent, no clock."""
    ISSUED = "issued"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class ReferralAction(StrEnum):
    """Something that happens to a referral."""

    RECEIVE = "receive"
    ACCEPT = "accept"
    DECLINE = "decline"
    START = "start"
    COMPLETE = "complete"
    RETURN = "return"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    CONFIRM = "confirm"
    HOLD = "hold"
    RELEASE = "release"


class ActorKind(StrEnum):
    """Who triggers an action."""

    AGENCY = "agency"
    """The agency the referral was issued to (its signed response)."""
    VOORPORTAAL = "voorportaal"
    """A casemanager, or routing itself acting on the citizen's behalf."""
    SYSTEM = "system"
    """The SLA clock."""


S = ReferralState

FINAL_STATES: Final = frozenset({S.DECLINED, S.COMPLETED, S.RETURNED, S.WITHDRAWN, S.EXPIRED})
"""States a referral never leaves."""

PLANNED_STATES: Final = frozenset({S.UNCONFIRMED, S.HELD})
"""States of a referral that has not gone out yet (no agency knows it, no clock runs)."""

OPEN_STATES: Final = frozenset(set(S) - FINAL_STATES - PLANNED_STATES)
"""States of a referral that went out and can still move."""

AWAITING_ANSWER: Final = frozenset({S.ISSUED, S.RECEIVED})
"""States in which the agency still owes an answer (accept or decline): the SLA clock runs."""


@dataclass(frozen=True)
class Transition:
    """One row of the table: from which states an action leads where, by whom, with what."""

    sources: frozenset[ReferralState]
    target: ReferralState
    actors: frozenset[ActorKind]
    required: frozenset[str] = frozenset()
    """Details the action must carry (e.g. a decline reason)."""
    optional: frozenset[str] = frozenset()
    """Details the action may carry."""


_AGENCY = frozenset({ActorKind.AGENCY})
_VOORPORTAAL = frozenset({ActorKind.VOORPORTAAL})

TRANSITIONS: Final[Mapping[ReferralAction, Transition]] = MappingProxyType(
    {
        ReferralAction.RECEIVE: Transition(frozenset({S.ISSUED}), S.RECEIVED, _AGENCY),
        ReferralAction.ACCEPT: Transition(frozenset({S.ISSUED, S.RECEIVED}), S.ACCEPTED, _AGENCY),
        ReferralAction.DECLINE: Transition(
            frozenset({S.ISSUED, S.RECEIVED}),
            S.DECLINED,
            _AGENCY,
            required=frozenset({"reason"}),
            optional=frozenset({"note"}),
        ),
        ReferralAction.START: Transition(frozenset({S.ACCEPTED}), S.IN_PROGRESS, _AGENCY),
        ReferralAction.COMPLETE: Transition(
            frozenset({S.ACCEPTED, S.IN_PROGRESS}),
            S.COMPLETED,
            _AGENCY,
            required=frozenset({"outcome"}),
        ),
        ReferralAction.RETURN: Transition(
            frozenset({S.ACCEPTED, S.IN_PROGRESS}),
            S.RETURNED,
            _AGENCY,
            optional=frozenset({"note"}),
        ),
        ReferralAction.WITHDRAW: Transition(
            OPEN_STATES | PLANNED_STATES,
            S.WITHDRAWN,
            _VOORPORTAAL,
            optional=frozenset({"note"}),
        ),
        ReferralAction.EXPIRE: Transition(
            frozenset({S.ISSUED, S.RECEIVED}), S.EXPIRED, frozenset({ActorKind.SYSTEM})
        ),
        ReferralAction.CONFIRM: Transition(frozenset({S.UNCONFIRMED}), S.ISSUED, _VOORPORTAAL),
        ReferralAction.HOLD: Transition(frozenset({S.UNCONFIRMED}), S.HELD, _VOORPORTAAL),
        ReferralAction.RELEASE: Transition(frozenset({S.HELD}), S.ISSUED, _VOORPORTAAL),
    }
)
"""The one transition table of the referral lifecycle."""

ALLOWED: Final[Mapping[ReferralState, frozenset[ReferralAction]]] = MappingProxyType(
    {
        state: frozenset(a for a, t in TRANSITIONS.items() if state in t.sources)
        for state in ReferralState
    }
)
"""Per state, the actions it allows (derived from `TRANSITIONS`, Signalen-style)."""

_ResponseActions = Mapping[ReferralResponseKind, ReferralAction | None]

ACTION_FOR_RESPONSE: Final[_ResponseActions] = MappingProxyType(
    {
        ReferralResponseKind.RECEIVED: ReferralAction.RECEIVE,
        ReferralResponseKind.ACCEPTED: ReferralAction.ACCEPT,
        ReferralResponseKind.DECLINED: ReferralAction.DECLINE,
        ReferralResponseKind.IN_PROGRESS: ReferralAction.START,
        ReferralResponseKind.COMPLETED: ReferralAction.COMPLETE,
        ReferralResponseKind.RETURNED: ReferralAction.RETURN,
        ReferralResponseKind.PROMISE_MADE: None,  # a promise is recorded, the state stays
    }
)
"""The lifecycle action an agency's response stands for (None: it moves no state)."""

MAX_DETAIL_LENGTH: Final = 2000


class InvalidTransition(Exception):
    """A transition the lifecycle does not allow; nothing was changed."""

    def __init__(
        self, state: ReferralState, action: ReferralAction, actor: ActorKind, reason: str
    ) -> None:
        super().__init__(f"cannot {action.value} a referral that is {state.value}: {reason}")
        self.state = state
        self.action = action
        self.actor = actor
        self.reason = reason


def transition(
    state: ReferralState | str,
    action: ReferralAction | str,
    actor_kind: ActorKind | str,
    **details: Any,
) -> ReferralState:
    """The state after `action` by `actor_kind`, or `InvalidTransition` saying why not.

    Details: `reason` (a `DeclineReason`) for decline, `outcome` (non-empty text) for complete,
    and an optional `note` for decline, return and withdraw. Anything else is refused.
    A state, action or actor that is not in the enums raises `ValueError` (bad input, not a
    refused transition).
    """
    state, action = ReferralState(state), ReferralAction(action)
    actor = ActorKind(actor_kind)
    rule = TRANSITIONS[action]

    def refuse(reason: str) -> InvalidTransition:
        return InvalidTransition(state, action, actor, reason)

    if state in FINAL_STATES:
        raise refuse(f"{state.value} is final")
    if state not in rule.sources:
        allowed = ", ".join(sorted(a.value for a in ALLOWED[state])) or "nothing"
        raise refuse(f"from {state.value} only {allowed} is possible")
    if actor not in rule.actors:
        allowed = " or ".join(sorted(a.value for a in rule.actors))
        raise refuse(f"only the {allowed} may {action.value}, not the {actor.value}")
    missing = rule.required - details.keys()
    if missing:
        raise refuse(f"missing {', '.join(sorted(missing))}")
    unexpected = details.keys() - rule.required - rule.optional
    if unexpected:
        raise refuse(f"unexpected {', '.join(sorted(unexpected))}")
    if "reason" in details:
        try:
            DeclineReason(details["reason"])
        except ValueError:
            known = ", ".join(r.value for r in DeclineReason)
            raise refuse(f"decline reason {details['reason']!r} is not one of {known}") from None
    for name in ("outcome", "note"):
        if name in details:
            value = details[name]
            if not isinstance(value, str) or not value.strip():
                raise refuse(f"{name} must be non-empty text")
            if len(value) > MAX_DETAIL_LENGTH:
                raise refuse(f"{name} is longer than {MAX_DETAIL_LENGTH} characters")
    return rule.target


def is_final(state: ReferralState | str) -> bool:
    """Whether a referral in this state can no longer move."""
    return ReferralState(state) in FINAL_STATES
