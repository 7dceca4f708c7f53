"""The contact-load meter's words for what notify holds back: how many, and until when in
Amsterdam's time (no browser)."""

from __future__ import annotations

from datetime import UTC, datetime

from buddy.labels import Words
from buddy.pages.case.contact_load import load_row
from voorportaal_contracts.api.notify import ContactLoadOut

QUIET_WEEK = {
    "case_id": "vp-1",
    "messages_24h": 0,
    "messages_7d": 1,
    "updates_7d": 3,
    "actions_7d": 0,
    "messages_30d": 2,
    "level": "low",
}


def test_deferred_messages_are_shown_with_their_local_day_and_time() -> None:
    answer = ContactLoadOut.model_validate(
        {**QUIET_WEEK, "deferred": 2, "deferred_until": datetime(2026, 12, 7, 8, 0, tzinfo=UTC)}
    )
    row = load_row(answer)
    assert row.deferred == 2
    assert row.deferred_words == Words(
        nl="2 uitgesteld tot ma 7 dec 09:00", en="2 deferred until Mon 7 Dec 09:00"
    )


def test_summer_time_is_amsterdams_too() -> None:
    answer = ContactLoadOut.model_validate(
        {**QUIET_WEEK, "deferred": 1, "deferred_until": "2026-07-04T19:30:00Z"}
    )
    assert load_row(answer).deferred_words.nl == "1 uitgesteld tot za 4 jul 21:30"


def test_an_answer_without_deferred_messages_shows_no_deferred_words() -> None:
    row = load_row(ContactLoadOut.model_validate(QUIET_WEEK))  # an older notify's answer
    assert (row.deferred, row.deferred_words, row.bundled_7d) == (0, Words(), 2)
