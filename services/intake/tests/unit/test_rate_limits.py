"""Who the client is behind proxies, and the windows the limits count in."""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_network

from hypothesis import given
from hypothesis import strategies as st

from voorportaal_intake.domain.rate_limits import (
    Limit,
    client_address,
    limited_client,
    retry_after_s,
    subject_key,
)

PROXIES = [ip_network("10.0.0.0/8"), ip_network("fd00::/8")]


def test_forwarded_for_is_ignored_from_a_peer_that_is_not_a_trusted_proxy() -> None:
    assert client_address("198.51.100.7", "203.0.113.9", PROXIES) == "198.51.100.7"


def test_forwarded_for_names_the_client_when_the_peer_is_a_trusted_proxy() -> None:
    assert client_address("10.0.0.2", "203.0.113.9", PROXIES) == "203.0.113.9"


def test_a_client_cannot_put_a_made_up_address_in_front_of_the_chain() -> None:
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really saw.
    chain = "1.2.3.4, 203.0.113.9, 10.0.0.5"
    assert client_address("10.0.0.2", chain, PROXIES) == "203.0.113.9"


def test_garbage_in_the_chain_stops_the_walk() -> None:
    assert client_address("10.0.0.2", "203.0.113.9, not-an-ip", PROXIES) == "10.0.0.2"


def test_a_chain_of_only_proxies_gives_the_left_most() -> None:
    assert client_address("10.0.0.2", "10.1.1.1, 10.0.0.3", PROXIES) == "10.1.1.1"


@given(st.ip_addresses(), st.text(max_size=60))
def test_an_untrusted_peer_is_always_the_client_whatever_it_sends(
    peer: object, header: str
) -> None:
    if any(peer in network for network in PROXIES):  # type: ignore[operator]
        return
    assert client_address(str(peer), header, PROXIES) == str(peer)


def test_windows_start_on_whole_hours_and_days() -> None:
    now = datetime(2026, 12, 1, 9, 40, 30, tzinfo=UTC)
    start, end = Limit("x", 3600, 1).window(now)
    assert (start, end) == (
        datetime(2026, 12, 1, 9, tzinfo=UTC),
        datetime(2026, 12, 1, 10, tzinfo=UTC),
    )
    day_start, _ = Limit("x", 86400, 1).window(now)
    assert day_start == datetime(2026, 12, 1, tzinfo=UTC)
    assert retry_after_s(end, now) == 19 * 60 + 30


def test_subjects_are_stored_as_hashes() -> None:
    key = subject_key("address", "+31612345678")
    assert "31612345678" not in key and key.startswith("address:")
    assert key == subject_key("address", " +31612345678 ")


def test_an_ipv6_client_is_counted_per_64_so_it_cannot_rotate_addresses() -> None:
    one = limited_client("2001:db8:1:2::1")
    assert one == limited_client("2001:db8:1:2:ffff:ffff:ffff:fffe") == "2001:db8:1:2::/64"
    assert limited_client("2001:db8:1:3::1") != one
    assert limited_client("198.51.100.7") == "198.51.100.7"
    assert limited_client("unknown") == "unknown"
