"""What an agency may receive about a citizen right now: the sharing grants, as one truth.

The grants are the citizen's `ConsentGranted`/`ConsentRevoked` facts from `case.events` (and the
intake's `share_with`, seeded as the very same grants). A grant counts from `valid_from` (or
at once) until `valid_until`, unless it is revoked; a revocation wins whatever the order in
which the two arrive. Each handover to an agency is decided from these at the moment routing
sends it, so a revoked or expired grant stops the next one, and a new grant upgrades the next.

Of the scopes, routing hands on two: `summary` (the story so far) and `identity` (name, BSN,
date of birth, representative). `documents` and `act_on_behalf` are the dossier's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from voorportaal_contracts.types import SharingScope

HANDED_ON = frozenset({SharingScope.SUMMARY, SharingScope.IDENTITY})
"""The scopes routing hands on in a referral's handover."""


@dataclass(frozen=True, slots=True)
class Grant:
    """One sharing grant of a case, for one agency."""

    grant_id: str
    agency_code: str
    scopes: frozenset[SharingScope]
    valid_from: datetime | None
    valid_until: datetime | None
    revoked: bool

    def holds_at(self, now: datetime) -> bool:
        """Whether the grant counts at `now`."""
        if self.revoked or self.valid_until is None or not self.scopes:
            return False  # only a revocation of it is known, or it was revoked
        started = self.valid_from is None or self.valid_from <= now
        return started and now < self.valid_until

    def next_change(self, now: datetime) -> datetime | None:
        """When the grant starts or ends after `now` (the sweep looks again then)."""
        if self.revoked or self.valid_until is None:
            return None
        if self.valid_from is not None and now < self.valid_from:
            return self.valid_from
        return self.valid_until if now < self.valid_until else None


def handed_on(grants: Iterable[Grant], agency_code: str, now: datetime) -> frozenset[SharingScope]:
    """What routing may hand `agency_code` at `now`: the scopes of its grants that hold,
    limited to those routing hands on."""
    scopes: set[SharingScope] = set()
    for grant in grants:
        if grant.agency_code == agency_code and grant.holds_at(now):
            scopes |= grant.scopes
    return frozenset(scopes & HANDED_ON)
