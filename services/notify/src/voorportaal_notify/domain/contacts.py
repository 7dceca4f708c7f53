"""A case's contact points as notify keeps them: how its citizen (and a representative who gets
copies) is reached. Personal data: addresses leave notify only masked (`masked_email`,
`masked_phone`), and a tombstone or `CaseAnonymised` deletes them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from voorportaal_contracts.types import MessageChannel

ADDRESS_FIELDS: tuple[tuple[MessageChannel, str], ...] = (
    (MessageChannel.EMAIL, "email"),
    (MessageChannel.SMS, "phone"),
)
"""The channels that have an address of their own, and the field holding it."""


@dataclass(frozen=True)
class ContactPoints:
    """How a case's citizen is reached: channels in order, addresses, language, quiet hours,
    a representative (a mapping: relation, addresses, `verified`, `receives_copies`), which
    channels are confirmed, and whether the citizen's updates wait for a confirmation."""

    case_id: str
    channels: tuple[str, ...]
    language: str
    email: str | None
    phone: str | None
    quiet_from: str | None
    """HH:MM, local time."""
    quiet_until: str | None
    representative: Mapping[str, Any] | None
    changed_by: str
    """`contact.points`, a staff member's id, or `citizen`."""
    updated_at: datetime
    verified: tuple[str, ...] = ()
    """Channels whose current address the citizen confirmed with a one-time code."""
    held: bool = False
    """The citizen's updates wait: an address was given, none is confirmed."""

    def address(self, field: str) -> str | None:
        """The address in `email` or `phone`."""
        value: str | None = getattr(self, field)
        return value

    def changed(self, **values: Any) -> ContactPoints:
        """A copy with `values` replaced (lists become tuples, as kept)."""
        for name in ("channels", "verified"):
            if name in values:
                values[name] = tuple(values[name])
        return dataclasses.replace(self, **values)


def hhmm(value: time | None) -> str | None:
    """A quiet-hours bound as kept (HH:MM)."""
    return value.strftime("%H:%M") if value is not None else None


def mask_email(email: str | None) -> str | None:
    """`b***@example.org`: enough for a casemanager to recognise, not to copy."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str | None) -> str | None:
    """`+316****5678`: the country and the last four digits."""
    if not phone:
        return None
    return f"{phone[:4]}****{phone[-4:]}"
