"""The outbox's compact header encoding: lossless for envelope headers, strict otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ReferralAccepted
from voorportaal_kit.outbox import decode_headers, encode_headers

names = st.text(
    st.characters(blacklist_characters="=\n", blacklist_categories=("Cs",)), min_size=1, max_size=20
)
values = st.text(
    st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=60
)


@given(st.lists(st.tuples(names, values), min_size=1, max_size=12))
def test_headers_round_trip(pairs: list[tuple[str, str]]) -> None:
    headers = [(n, v.encode()) for n, v in pairs]
    assert decode_headers(encode_headers(headers)) == headers


@pytest.mark.parametrize(("name", "value"), [("a=b", b"x"), ("a\nb", b"x"), ("a", b"x\ny")])
def test_headers_that_cannot_be_stored_are_refused(name: str, value: bytes) -> None:
    with pytest.raises(ValueError, match="cannot be stored"):
        encode_headers([(name, value)])


def _accepted(by: str) -> ReferralAccepted:
    return ReferralAccepted(
        case_id="case-h12345",
        referral_id="ref-h1",
        agency_code="uwv",
        by=by,
        changed_at=datetime(2026, 12, 5, tzinfo=UTC),
    )


@given(st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=40))
def test_what_envelopes_stage_the_relay_decodes_to_their_headers(source: str) -> None:
    first = Envelope(_accepted("agency"), source=f"/s{source}")
    child = first.follow_up(_accepted("system"), "/relay-test")
    for envelope in (first, child, first):  # the third time from the cache of recurring lines
        assert decode_headers(envelope.header_text()) == envelope.headers()
