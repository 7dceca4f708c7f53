"""The status and talk pages' words: every text in every citizen language, the same
placeholders in each, and dates written out as people read them."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime

import pytest

from portal.status_words import LANGUAGES, WORDS, clock_time, long_date, word
from voorportaal_contracts.types import CitizenLanguage


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_status_word_has_all_five_languages_and_no_empty_text() -> None:
    assert set(LANGUAGES) == {language.value for language in CitizenLanguage}
    for key, texts in WORDS.items():
        assert set(texts) == set(LANGUAGES), key
        for language, text in texts.items():
            assert text.strip() == text and text, (key, language)


def test_every_language_of_a_word_fills_in_the_same_values() -> None:
    for key, texts in WORDS.items():
        assert len({frozenset(_fields(text)) for text in texts.values()}) == 1, key


def test_an_unknown_language_reads_dutch_and_an_unknown_key_is_an_error() -> None:
    assert word("talk.title", "de") == "Ik wil iemand spreken"
    with pytest.raises(KeyError):
        word("talk.no_such_text", "nl")


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("nl", "woensdag 9 december 2026"),
        ("en", "Wednesday 9 December 2026"),
        ("tr", "9 Aralık 2026 Çarşamba"),
        ("ar", "الأربعاء 9 ديسمبر 2026"),
        ("pl", "środa, 9 grudnia 2026"),
    ],
)
def test_a_date_is_written_out_in_the_citizens_language(language: str, written: str) -> None:
    assert long_date(date(2026, 12, 9), language) == written


def test_a_time_is_told_in_dutch_time() -> None:
    assert clock_time(datetime(2026, 12, 9, 16, 0, tzinfo=UTC)) == "17:00"
    assert clock_time(datetime(2026, 7, 9, 15, 0, tzinfo=UTC)) == "17:00"
