"""The intake lifecycle: one transition table, and `transition` to apply it.

```
open ──answer, go back──▶ open
open ──submit───────────▶ submitted ──amend──▶ submitted
open ──hold─────────────▶ held ──amend──▶ held
                          held ──release──▶ submitted   (a code confirmed, or staff take it in)
```

A citizen (or staff for them) answers an open intake step by step, then submits it. An intake
started without a staff role whose address nobody confirmed is *held*: it is submitted, but
routing keeps it from the agencies until the citizen confirms a code or staff take it in
(*release*). A submitted or held intake changes only by amendment. Erasure is not a status:
an erased intake keeps its status and refuses every change (`Intake.ensure_not_erased`).

Stored and shown, a held intake is `status = "submitted"` with `awaiting_confirmation` set
(`IntakeStatus.shown`), as the API and the events have always said.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal

from voorportaal_kit.errors import Conflict


class IntakeStatus(StrEnum):
    """Where an intake is in its lifecycle."""

    OPEN = "open"
    HELD = "held"
    """Submitted, and held from the agencies until an address is confirmed or staff take it in."""
    SUBMITTED = "submitted"

    @property
    def shown(self) -> Literal["open", "submitted"]:
        """The status as stored and as the API shows it: a held intake is submitted."""
        return "open" if self is IntakeStatus.OPEN else "submitted"

    @property
    def awaiting_confirmation(self) -> bool:
        """Whether the agencies wait for a confirmation (the `awaiting_confirmation` flag)."""
        return self is IntakeStatus.HELD

    @classmethod
    def stored(cls, status: str, awaiting_confirmation: bool) -> IntakeStatus:
        """The status of a stored intake (its `status` column and its flag)."""
        if status == cls.OPEN.value:
            return cls.OPEN
        return cls.HELD if awaiting_confirmation else cls.SUBMITTED


class IntakeAction(StrEnum):
    """Something that happens to an intake."""

    ANSWER = "answer"
    """An answer given, changed or taken back (go back)."""
    SUBMIT = "submit"
    HOLD = "hold"
    """Submit, but held until an address is confirmed."""
    RELEASE = "release"
    """A held intake's address confirmed by the citizen, or the intake taken in by staff."""
    AMEND = "amend"


S = IntakeStatus
A = IntakeAction

TRANSITIONS: Final[Mapping[IntakeStatus, Mapping[IntakeAction, IntakeStatus]]] = MappingProxyType(
    {
        S.OPEN: MappingProxyType({A.ANSWER: S.OPEN, A.SUBMIT: S.SUBMITTED, A.HOLD: S.HELD}),
        S.HELD: MappingProxyType({A.RELEASE: S.SUBMITTED, A.AMEND: S.HELD}),
        S.SUBMITTED: MappingProxyType({A.AMEND: S.SUBMITTED}),
    }
)
"""The one transition table of the intake: per status, the actions it allows and where each
leads (Signalen-style `ALLOWED_STATUS_CHANGES`)."""

REFUSALS: Final[Mapping[IntakeAction, str]] = MappingProxyType(
    {
        A.ANSWER: "This intake is submitted already; amend it instead.",
        A.SUBMIT: "This intake is submitted already.",
        A.HOLD: "This intake is submitted already.",
        A.RELEASE: "This intake is not held.",
        A.AMEND: "Only a submitted intake can be amended; answer it instead.",
    }
)
"""What a refused action tells the caller (the API's 409 detail)."""


class InvalidTransition(Conflict):
    """An action the lifecycle does not allow in this status; nothing was changed (a conflict
    with the intake's state: 409 at the HTTP edge)."""

    def __init__(self, status: IntakeStatus, action: IntakeAction) -> None:
        super().__init__(REFUSALS[action])
        self.status = status
        self.action = action
        self.reason = REFUSALS[action]


def transition(status: IntakeStatus | str, action: IntakeAction | str) -> IntakeStatus:
    """The status after `action`, or `InvalidTransition`. A status or action that is not in the
    enums raises `ValueError` (bad input, not a refused transition)."""
    status, action = IntakeStatus(status), IntakeAction(action)
    target = TRANSITIONS[status].get(action)
    if target is None:
        raise InvalidTransition(status, action)
    return target


def allows(status: IntakeStatus, action: IntakeAction) -> bool:
    """Whether `action` may happen to an intake in `status`."""
    return action in TRANSITIONS[status]
