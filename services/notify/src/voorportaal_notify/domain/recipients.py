"""Who a case's messages go to, read from its contact points: the citizen and, when they asked
for it, a representative who receives copies.

**Nothing but a code goes to an address the citizen has not confirmed.** The citizen's
preferences keep only the addresses of confirmed channels (`verified`), so a message goes to
the first *confirmed* channel in the citizen's order (an unconfirmed first choice is passed
over for a confirmed one). When the citizen has an address on a channel they chose but has
confirmed none, their updates are **held** (`held_for_confirmation`): they wait, unplanned,
until a `ContactPointsUpdated` lists a confirmed channel, and then go out as one message.

A representative's copy goes only to an address the representative confirmed
(`Representative.verified`). A copy planned while none is confirmed is recorded as `skipped`
with the reason `unconfirmed` (visible in the deliveries) and never sent later: a confirmation
releases the copies of later news, not a flood of old ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import Any

from voorportaal_contracts.types import MessageChannel
from voorportaal_notify.domain.contacts import ContactPoints
from voorportaal_notify.domain.delivery import ContactPreferences
from voorportaal_notify.domain.policy import ContactPolicy, QuietHours


class RecipientKind(StrEnum):
    """Who of the household a message is for."""

    CITIZEN = "citizen"
    REPRESENTATIVE = "representative"


@dataclass(frozen=True)
class Recipient:
    """One person a case's updates go to, with how they may be reached."""

    kind: RecipientKind
    prefs: ContactPreferences
    language: str
    quiet_hours: QuietHours | None
    """Their own quiet hours; None means the service default."""
    relation: str | None = None
    """A representative's relation to the citizen (how their mandate is found)."""
    unconfirmed: bool = False
    """A representative with an address but none confirmed: their copies are not sent."""

    def policy(self, base: ContactPolicy) -> ContactPolicy:
        """The service's contact policy with this recipient's own quiet hours, if they set any."""
        if self.quiet_hours is None:
            return base
        return ContactPolicy(
            bundle_window=base.bundle_window,
            max_messages=base.max_messages,
            rate_window=base.rate_window,
            quiet_hours=self.quiet_hours,
        )


def _channels(values: Iterable[str]) -> tuple[MessageChannel, ...]:
    return tuple(MessageChannel(v) for v in values)


def _quiet(contact: ContactPoints) -> QuietHours | None:
    start, end = contact.quiet_from, contact.quiet_until
    if not start or not end:
        return None
    return QuietHours(time.fromisoformat(start), time.fromisoformat(end))


def _verified(values: Iterable[str] | None) -> set[MessageChannel]:
    return {MessageChannel(v) for v in values or ()}


def citizen_of(contact: ContactPoints) -> Recipient:
    """The citizen: only confirmed addresses are reachable."""
    confirmed = _verified(contact.verified)
    return Recipient(
        RecipientKind.CITIZEN,
        ContactPreferences(
            _channels(contact.channels),
            email=contact.email if MessageChannel.EMAIL in confirmed else None,
            phone=contact.phone if MessageChannel.SMS in confirmed else None,
        ),
        contact.language,
        _quiet(contact),
    )


def held_for_confirmation(contact: ContactPoints) -> bool:
    """Whether the citizen's updates wait for a confirmed address.

    True when a channel they chose has an address but no chosen channel is confirmed; a
    citizen without any electronic address is not held (their messages are skipped, as before).
    """
    everything = ContactPreferences(
        _channels(contact.channels), email=contact.email, phone=contact.phone
    )
    return bool(everything.usable_channels()) and not citizen_of(contact).prefs.usable_channels()


def representative_of(contact: ContactPoints) -> Recipient | None:
    """The representative who receives copies, if there is one.

    They get the citizen's language and quiet hours, and the citizen's channel order followed by
    any channel the citizen did not list (a representative's own address is the point). Only
    the addresses the representative confirmed with a code (`verified`) are reachable.
    """
    rep: Mapping[str, Any] | None = contact.representative
    if not rep or not rep.get("receives_copies", True):
        return None
    order = list(_channels(contact.channels))
    order += [c for c in (MessageChannel.EMAIL, MessageChannel.SMS) if c not in order]
    confirmed = _verified(rep.get("verified"))
    email, phone = rep.get("email"), rep.get("phone")
    prefs = ContactPreferences(
        tuple(order),
        email=email if MessageChannel.EMAIL in confirmed else None,
        phone=phone if MessageChannel.SMS in confirmed else None,
    )
    return Recipient(
        RecipientKind.REPRESENTATIVE,
        prefs,
        contact.language,
        _quiet(contact),
        rep.get("relation"),
        unconfirmed=bool(email or phone) and not prefs.usable_channels(),
    )


def recipient_of(contact: ContactPoints, kind: str) -> Recipient | None:
    """The recipient of one kind, or None when the case has none of that kind (any more)."""
    if kind == RecipientKind.CITIZEN:
        return citizen_of(contact)
    return representative_of(contact)
