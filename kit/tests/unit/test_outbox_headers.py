"""The outbox's compact header encoding: lossless for envelope headers, strict otherwise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
