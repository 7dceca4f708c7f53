"""What the citizen is told after asking to talk to a person: by when (the `answer_by` the
service answered, written out in their language and Dutch time) and what they chose."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.pages.talk import CHANNELS, TIMES, confirmation
from portal.status_view import tel
from portal.status_words import in_every_language, word
from voorportaal_contracts.api.citizen import PersonRequestOut

ANSWER = PersonRequestOut(
    request_id="pr-1",
    case_id="vp-talk-000001",
    answer_by=datetime(2026, 12, 8, 16, 0, tzinfo=UTC),  # Tuesday, 17:00 in Amsterdam
)


def test_the_citizen_is_told_by_when_a_person_contacts_them_in_their_language() -> None:
    assert confirmation(ANSWER, "phone", "morning", "nl") == (
        "Een medewerker neemt uiterlijk dinsdag 8 december 2026 om 17:00 uur contact met u op."
        " U koos: Telefoon: wij bellen u, in de ochtend (9 tot 12 uur)."
    )
    arabic = confirmation(ANSWER, "video", "as_soon_as_possible", "ar")
    assert "الثلاثاء 8 ديسمبر 2026" in arabic and "17:00" in arabic
    assert "8 grudnia 2026" in confirmation(ANSWER, "desk", "evening", "pl")


def test_every_channel_and_time_the_form_offers_has_words_and_the_contract_accepts_it() -> None:
    assert set(TIMES) == {"as_soon_as_possible", "morning", "afternoon", "evening"}
    for language in ("nl", "en", "tr", "ar", "pl"):
        for channel in CHANNELS:
            assert word(f"talk.channel.{channel}", language)
        for time in TIMES:
            assert word(f"talk.time.{time}", language)
    calls = in_every_language("link.call", phone="14 030")
    assert all("14 030" in text and "{phone}" not in text for text in calls.values())


def test_a_help_number_becomes_a_tel_link_without_spaces() -> None:
    assert tel("088 - 123 45 67") == "tel:0881234567"
    assert tel("+31 20 123 4567") == "tel:+31201234567"
    assert tel("") == ""
