"""Estafette chains: a referral that waits on another's outcome.

A referral that waits is *held*: planned, but not yet issued to its agency. It is released
when the referral it waits on is completed, whatever the outcome (a refused WW is also a
decision the gemeente can act on). The chain *stalls* when the predecessor ends without an
outcome (declined, returned, expired, withdrawn), when the predecessor is unknown, when a link
further up has stalled, or when a link has been held longer than a number of working days.
A stalled chain is escalated to a person (the buddy or a supervisor); nothing here decides
for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from voorportaal_routing.domain.directory import Text
from voorportaal_routing.domain.lifecycle import ReferralState
from voorportaal_routing.domain.sla import working_days_between


@dataclass(frozen=True)
class ChainLink:
    """One referral as the chain logic sees it."""

    referral_id: str
    state: ReferralState | None
    """Its lifecycle state; None while it is held (planned, not issued yet)."""
    waits_on: str | None
    """The referral id it waits on (None: it waits on nothing)."""
    since: datetime
    """When it entered its current state; for a held link, when it was planned."""

    @property
    def held(self) -> bool:
        """Whether the referral is held back, not yet issued."""
        return self.state is None


class StallReason(StrEnum):
    """Why a chain stalled."""

    PREDECESSOR_DECLINED = "predecessor_declined"
    PREDECESSOR_RETURNED = "predecessor_returned"
    PREDECESSOR_EXPIRED = "predecessor_expired"
    PREDECESSOR_WITHDRAWN = "predecessor_withdrawn"
    PREDECESSOR_MISSING = "predecessor_missing"
    UPSTREAM_STALLED = "upstream_stalled"
    WAITING_TOO_LONG = "waiting_too_long"
    GOES_ROUND = "goes_round"


STALL_TEXTS: Final[Mapping[StallReason, Text]] = MappingProxyType(
    {
        StallReason.PREDECESSOR_DECLINED: Text(
            nl="De vorige instantie heeft de doorverwijzing geweigerd.",
            en="The previous agency declined the referral.",
        ),
        StallReason.PREDECESSOR_RETURNED: Text(
            nl="De vorige instantie heeft de doorverwijzing teruggegeven.",
            en="The previous agency returned the referral.",
        ),
        StallReason.PREDECESSOR_EXPIRED: Text(
            nl="De vorige instantie heeft niet op tijd gereageerd.",
            en="The previous agency did not answer in time.",
        ),
        StallReason.PREDECESSOR_WITHDRAWN: Text(
            nl="De vorige doorverwijzing is ingetrokken.",
            en="The previous referral was withdrawn.",
        ),
        StallReason.PREDECESSOR_MISSING: Text(
            nl="De doorverwijzing waarop gewacht wordt, bestaat niet.",
            en="The referral this one waits on does not exist.",
        ),
        StallReason.UPSTREAM_STALLED: Text(
            nl="Eerder in de keten loopt het vast.",
            en="The chain is stuck further up.",
        ),
        StallReason.WAITING_TOO_LONG: Text(
            nl="Deze stap wacht al te lang op de vorige.",
            en="This step has been waiting too long for the previous one.",
        ),
        StallReason.GOES_ROUND: Text(
            nl="De keten wacht op zichzelf.",
            en="The chain waits on itself.",
        ),
    }
)
"""What each stall reason means, for the buddy console and the escalation."""

_BROKEN: Final[Mapping[ReferralState, StallReason]] = MappingProxyType(
    {
        ReferralState.DECLINED: StallReason.PREDECESSOR_DECLINED,
        ReferralState.RETURNED: StallReason.PREDECESSOR_RETURNED,
        ReferralState.EXPIRED: StallReason.PREDECESSOR_EXPIRED,
        ReferralState.WITHDRAWN: StallReason.PREDECESSOR_WITHDRAWN,
    }
)


@dataclass(frozen=True)
class Stall:
    """A held referral whose chain is stuck, and why: to be escalated."""

    referral_id: str
    waits_on: str | None
    reason: StallReason
    root: str
    """The referral where the chain broke (this one itself when it waited too long)."""

    @property
    def text(self) -> Text:
        """The reason in plain Dutch and English."""
        return STALL_TEXTS[self.reason]


def releasable(links: Iterable[ChainLink]) -> list[str]:
    """Held referrals that may be issued now: what they wait on is completed (or nothing).

    In the order given.
    """
    links = list(links)
    by_id = {link.referral_id: link for link in links}
    out: list[str] = []
    for link in links:
        if not link.held:
            continue
        predecessor = by_id.get(link.waits_on) if link.waits_on is not None else None
        if link.waits_on is None or (
            predecessor is not None and predecessor.state is ReferralState.COMPLETED
        ):
            out.append(link.referral_id)
    return out


def stalled_chains(
    links: Iterable[ChainLink], now: datetime, max_wait_working_days: int
) -> list[Stall]:
    """Held referrals whose chain is stuck at `now`, in the order given.

    A link held for more than `max_wait_working_days` working days stalls even when its
    predecessor is still on its way; a broken predecessor stalls it at once.
    """
    if max_wait_working_days < 0:
        raise ValueError("max_wait_working_days cannot be negative")
    links = list(links)
    by_id = {link.referral_id: link for link in links}
    found: dict[str, Stall | None] = {}

    def check(link: ChainLink, path: frozenset[str]) -> Stall | None:
        if link.referral_id in found:
            return found[link.referral_id]
        result = _check(link, path)
        found[link.referral_id] = result
        return result

    def _check(link: ChainLink, path: frozenset[str]) -> Stall | None:
        if not link.held or link.waits_on is None:
            return None
        rid, pid = link.referral_id, link.waits_on
        predecessor = by_id.get(pid)
        if predecessor is None:
            return Stall(rid, pid, StallReason.PREDECESSOR_MISSING, rid)
        if pid in path or pid == rid:
            return Stall(rid, pid, StallReason.GOES_ROUND, rid)
        if predecessor.state is not None and predecessor.state in _BROKEN:
            return Stall(rid, pid, _BROKEN[predecessor.state], pid)
        if predecessor.held:
            upstream = check(predecessor, path | {rid})
            if upstream is not None:
                return Stall(rid, pid, StallReason.UPSTREAM_STALLED, upstream.root)
        if predecessor.state is ReferralState.COMPLETED:
            return None  # releasable, not stalled
        if working_days_between(link.since, now) > max_wait_working_days:
            return Stall(rid, pid, StallReason.WAITING_TOO_LONG, rid)
        return None

    stalls = [check(link, frozenset()) for link in links]
    return [stall for stall in stalls if stall is not None]
