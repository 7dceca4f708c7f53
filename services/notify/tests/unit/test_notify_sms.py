"""SMS encoding, segment counting and trimming that never cuts the link."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_notify.domain.sms import (
    SmsEncoding,
    SmsTooLong,
    encoding_of,
    fit_sms,
    measure,
    segment_count,
)

LINK = "https://voorportaal.example/b/Zx81kQ-4tRw"


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", SmsEncoding.GSM7, 1),
        ("a" * 160, SmsEncoding.GSM7, 1),
        ("a" * 161, SmsEncoding.GSM7, 2),
        ("a" * 306, SmsEncoding.GSM7, 2),
        ("a" * 307, SmsEncoding.GSM7, 3),
        ("€" * 80, SmsEncoding.GSM7, 1),  # 160 septets: the euro sign costs two
        ("€" * 81, SmsEncoding.GSM7, 2),
        ("Dag Ærø, één café à 5 £ @ 12:00!", SmsEncoding.GSM7, 1),
        ("ş" * 70, SmsEncoding.UCS2, 1),
        ("ş" * 71, SmsEncoding.UCS2, 2),
        ("ł" * 134, SmsEncoding.UCS2, 2),
        ("ł" * 135, SmsEncoding.UCS2, 3),
        ("مرحبا", SmsEncoding.UCS2, 1),
        ("🙂" * 35, SmsEncoding.UCS2, 1),  # 70 UTF-16 units
        ("🙂" * 36, SmsEncoding.UCS2, 2),
    ],
)
def test_known_texts_have_known_encoding_and_segments(
    text: str, encoding: SmsEncoding, segments: int
) -> None:
    length = measure(text)
    assert (length.encoding, length.segments) == (encoding, segments)


def test_an_escaped_character_is_never_split_across_segments() -> None:
    # 306 septets would be two segments if the euro's escape pair could straddle the boundary.
    text = "a" * 152 + "€" + "a" * 152
    assert measure(text).units == 306
    assert segment_count(text) == 3


def test_one_non_gsm_character_switches_the_whole_text_to_ucs2() -> None:
    assert encoding_of("Uw aanvraag is afgerond") is SmsEncoding.GSM7
    assert encoding_of("Uw aanvraag is afgerond\u2019") is SmsEncoding.UCS2
    assert segment_count("a" * 100 + "ş") == 2


def test_a_long_text_is_trimmed_before_the_link_with_dots() -> None:
    text = "Er is nieuws over uw aanvraag. " * 30 + LINK
    fitted = fit_sms(text, keep=LINK, max_segments=2)
    assert fitted.endswith("... " + LINK)
    assert segment_count(fitted) <= 2
    assert fitted.startswith("Er is nieuws")


def test_text_after_the_link_goes_first() -> None:
    text = "Kijk op " + LINK + " " + "en lees verder " * 40
    fitted = fit_sms(text, keep=LINK, max_segments=1)
    assert fitted.startswith("Kijk op " + LINK)
    assert segment_count(fitted) == 1


def test_a_missing_link_is_appended() -> None:
    assert fit_sms("Er is nieuws.", keep=LINK) == "Er is nieuws. " + LINK


def test_a_link_that_does_not_fit_alone_is_refused() -> None:
    with pytest.raises(SmsTooLong):
        fit_sms("hallo", keep="https://x.example/" + "a" * 200, max_segments=1)


@given(
    body=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=600),
    max_segments=st.integers(min_value=1, max_value=4),
)
def test_fitting_keeps_the_link_whole_and_respects_the_limit(body: str, max_segments: int) -> None:
    fitted = fit_sms(body + " " + LINK, keep=LINK, max_segments=max_segments)
    assert LINK in fitted
    assert segment_count(fitted) <= max_segments
