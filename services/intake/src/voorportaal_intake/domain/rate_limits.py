"""Rate limits of the public intake: fixed windows per client and per contact address.

A limit counts hits in fixed windows (an hour, a day) that start at multiples of their length
since the epoch. Fixed windows may let up to twice the limit through around a window's edge;
the day limit bounds that, and in exchange the count is one row per window, updated in one
atomic statement that several replicas share (see `adapters/rate_limits.py`).

Who "the client" is decides whether a limit can be dodged: `X-Forwarded-For` is read only
when the peer is a trusted proxy, and then from the right, skipping trusted proxies, so a
client cannot put a made-up address in front of the chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from voorportaal_kit.errors import TooManyRequests


class RateLimited(TooManyRequests):
    """Too many requests for one client or address; `retry_after_s` says when to try again
    (the kit's HTTP edge answers 429 with `Retry-After`, and the field's reason in English and
    Dutch from the detail's `English / Nederlands`)."""

    def __init__(self, detail: str, *, retry_after_s: int, field: str | None = None) -> None:
        super().__init__(detail, field=field)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Limit:
    """At most `hits` of `kind` per `period_s` seconds for one subject."""

    kind: str
    period_s: int
    hits: int

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """The window `now` falls in: its start and its end."""
        epoch = int(now.timestamp())
        start = epoch - epoch % self.period_s
        begins = datetime.fromtimestamp(start, UTC)
        return begins, begins + timedelta(seconds=self.period_s)


def subject_key(kind: str, value: str) -> str:
    """The stored key of a subject: a hash, so no IP address or phone number is kept as such."""
    digest = hashlib.sha256(f"{kind}\0{value.strip().lower()}".encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def retry_after_s(window_end: datetime, now: datetime) -> int:
    """Whole seconds until the window ends (at least one), for `Retry-After`."""
    return max(1, int((window_end - now).total_seconds() + 0.999))


Network = IPv4Network | IPv6Network


def _parse(value: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]) -> str:
    """The client's IP address: the peer, or — only when the peer is a trusted proxy — the
    right-most address in `X-Forwarded-For` that is not itself a trusted proxy."""
    client = _parse(peer or "")
    if client is None:
        return peer or "unknown"
    if not forwarded_for or not _trusted(client, proxies):
        return str(client)
    for hop in reversed(forwarded_for.split(",")):
        address = _parse(hop)
        if address is None:
            break  # garbage in the chain: trust nothing to its left
        client = address
        if not _trusted(address, proxies):
            break
    return str(client)


IPV6_CLIENT_PREFIX = 64
"""One IPv6 client holds a whole /64 (a home or phone network gets at least that much), so
limits per client count per /64: otherwise every address in it would be a fresh client."""


def limited_client(address: str) -> str:
    """What the per-client limits count: an IPv4 address, or the /64 an IPv6 address is in."""
    parsed = _parse(address)
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is None:
        return str(ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return address
