"""The portal's own texts: five languages for every key, languages named in themselves, dates
written out as people read them, right to left for Arabic."""

from __future__ import annotations

from datetime import date

import pytest

from portal.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    MONTHS,
    TEXTS,
    WEEKDAYS,
    direction,
    known_language,
    local_text,
    long_date,
    text,
)
from voorportaal_contracts.api.intake import LocalText
from voorportaal_contracts.types import CitizenLanguage


def test_the_portal_speaks_exactly_the_citizen_languages_of_the_contracts() -> None:
    assert set(LANGUAGES) == {language.value for language in CitizenLanguage}
    assert LANGUAGES[0] == "nl"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_all_five_languages_and_none_is_empty(key: str) -> None:
    assert set(TEXTS[key]) == set(LANGUAGES), key
    assert all(value.strip() for value in TEXTS[key].values()), key


def test_translated_texts_are_not_the_dutch_copied() -> None:
    # The site's name is the same everywhere, and a few words are English and Dutch alike;
    # any other text left in Dutch is a translation missing.
    same_everywhere = {"site_name"}
    same_in_english = {"code_label", "website", "opening_hours"}
    for key, texts in TEXTS.items():
        if key in same_everywhere:
            continue
        for language in ("en", "tr", "ar", "pl"):
            if language == "en" and key in same_in_english:
                continue
            assert texts[language] != texts["nl"], (key, language)


def test_arabic_texts_are_written_in_arabic_script() -> None:
    for key, texts in TEXTS.items():
        if key == "site_name":
            continue
        assert any("\u0600" <= ch <= "\u06ff" for ch in texts["ar"]), key


def test_the_picker_names_each_language_in_itself() -> None:
    assert LANGUAGE_NAMES == {
        "nl": "Nederlands",
        "en": "English",
        "tr": "Türkçe",
        "ar": "العربية",
        "pl": "Polski",
    }


def test_arabic_is_right_to_left_and_the_rest_left_to_right() -> None:
    assert direction("ar") == "rtl"
    assert {direction(code) for code in LANGUAGES if code != "ar"} == {"ltr"}


def test_an_unknown_language_falls_back_to_dutch() -> None:
    assert known_language("de") == "nl"
    assert known_language(None) == "nl"
    assert text("start", "xx") == TEXTS["start"]["nl"]


def test_a_content_text_without_a_translation_yet_shows_the_dutch() -> None:
    shown = local_text(LocalText(nl="Huur", en="Rent", tr=None, ar="إيجار", pl=None))
    texts = {language: shown[language] for language in LANGUAGES}
    assert texts == {"nl": "Huur", "en": "Rent", "tr": "Huur", "ar": "إيجار", "pl": "Huur"}
    # The Dutch stand-in is marked Dutch, so a screen reader does not read it as Turkish.
    marked = {language: shown[f"lang_{language}"] for language in LANGUAGES}
    assert marked == {"nl": "nl", "en": "en", "tr": "nl", "ar": "ar", "pl": "nl"}


def test_month_and_weekday_names_exist_for_every_language() -> None:
    for language in LANGUAGES:
        assert len(MONTHS[language]) == 12
        assert len(WEEKDAYS[language]) == 7


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "vrijdag 5 juni 2026"),
        ("en", "Friday 5 June 2026"),
        ("tr", "5 Haziran 2026 Cuma"),
        ("ar", "الجمعة 5 يونيو 2026"),
        ("pl", "piątek, 5 czerwca 2026"),
    ],
)
def test_a_deadline_is_written_out_in_the_citizens_language(language: str, expected: str) -> None:
    assert long_date(date(2026, 6, 5), language) == expected
