"""BSN 11-proof, postcodes and the postcode → municipality table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_intake.adapters.content_files import load_municipalities
from voorportaal_intake.domain.identity import (
    MunicipalityTable,
    is_valid_bsn,
    normalise_postcode,
)

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def _with_check_digit(head: list[int]) -> str | None:
    check = sum(d * w for d, w in zip(head, WEIGHTS, strict=True)) % 11
    return "".join(map(str, head)) + str(check) if check <= 9 else None


bsns = (
    st.tuples(st.integers(1, 9), st.lists(st.integers(0, 9), min_size=7, max_size=7))
    .map(lambda t: _with_check_digit([t[0], *t[1]]))
    .filter(lambda b: b is not None)
    .map(str)
)
"""BSNs built the other way round: eight digits, then the check digit that fits."""


@given(bsns)
def test_every_number_built_by_the_11_proof_passes(bsn: str) -> None:
    assert is_valid_bsn(bsn)


@given(bsns, st.integers(0, 8), st.integers(1, 9))
def test_the_11_proof_catches_every_single_digit_typo(bsn: str, at: int, delta: int) -> None:
    typo = bsn[:at] + str((int(bsn[at]) + delta) % 10) + bsn[at + 1 :]
    assert not is_valid_bsn(typo)


@given(bsns, st.integers(0, 7))
def test_the_11_proof_catches_swapped_neighbours(bsn: str, at: int) -> None:
    swapped = bsn[:at] + bsn[at + 1] + bsn[at] + bsn[at + 2 :]
    assert swapped == bsn or not is_valid_bsn(swapped)


@given(st.text(max_size=12))
def test_anything_but_nine_ascii_digits_fails(text: str) -> None:
    if not (len(text) == 9 and text.isascii() and text.isdigit()):
        assert not is_valid_bsn(text)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("3511 AB", "3511AB"), ("3511ab", "3511AB"), (" 1011 xx ", "1011XX"), ("0123 AB", None)],
)
def test_postcodes_are_normalised_or_refused(raw: str, normal: str | None) -> None:
    assert normalise_postcode(raw) == normal


@given(st.text(max_size=10))
def test_a_normalised_postcode_is_always_four_digits_and_two_letters(raw: str) -> None:
    normal = normalise_postcode(raw)
    if normal is not None:
        assert len(normal) == 6 and normal[:4].isdigit() and normal[4:].isalpha()


def test_postcodes_map_to_their_municipality() -> None:
    table = load_municipalities()
    found = table.lookup("3511AB")
    assert found is not None and found.code == "GM0344"
    rotterdam = table.lookup("3012CD")
    assert rotterdam is not None and rotterdam.code == "GM0599"
    assert table.lookup("9999ZZ") is None


def test_overlapping_postcode_ranges_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        MunicipalityTable.model_validate(
            {
                "version": "t",
                "municipality": [
                    {"code": "GM0001", "name": "A", "pc4": [[1000, 1100]]},
                    {"code": "GM0002", "name": "B", "pc4": [[1100, 1200]]},
                ],
            }
        )
