"""Every sentence and agency name a citizen reads in the dossier's view exists in all five
citizen languages, with the same values; a missing language fails here."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dossier_factories import CASE, at, buddy_assigned, case_from, env, intake_submitted

from voorportaal_contracts.types import CitizenLanguage
from voorportaal_dossier.domain import citizen_link
from voorportaal_dossier.domain.agencies import AGENCY_NAMES, agency_name
from voorportaal_dossier.domain.checklist import answer_by
from voorportaal_dossier.domain.citizen_texts import LANGUAGES, TEMPLATES, day_texts, fields_of
from voorportaal_dossier.service_layer.citizen_view import Phones


def test_the_languages_are_the_citizen_languages() -> None:
    assert set(LANGUAGES) == {language.value for language in CitizenLanguage}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_is_in_every_language_with_the_same_values(key: str) -> None:
    texts = TEMPLATES[key]
    assert set(texts) == set(LANGUAGES), f"{key}: missing {set(LANGUAGES) - set(texts)}"
    for language in LANGUAGES:
        assert texts[language].strip(), (key, language)
        assert fields_of(texts[language]) == fields_of(texts["nl"]), (key, language)


@pytest.mark.parametrize("code", sorted(AGENCY_NAMES))
def test_every_agency_name_is_in_every_language(code: str) -> None:
    name = agency_name(code)
    for language in LANGUAGES:
        assert name.get(language).strip(), (code, language)


def test_a_municipal_agency_keeps_its_place_name_in_every_language() -> None:
    name = agency_name("gemeente-gm0363")
    assert all("Amsterdam" in name.get(language) for language in LANGUAGES)
    assert name.tr == "Amsterdam Belediyesi (gemeente)"


def test_dates_are_written_as_each_language_writes_them() -> None:
    moment = datetime(2026, 3, 5, 12, tzinfo=UTC)
    assert day_texts(moment) == {
        "nl": "5-3-2026",
        "en": "5 March 2026",
        "tr": "05.03.2026",
        "ar": "5/3/2026",
        "pl": "05.03.2026",
    }


def test_the_view_is_in_every_language_for_a_fresh_case() -> None:
    case = case_from(env(intake_submitted(), time=at(0)))
    view = citizen_link.citizen_view(case, now=at(1), language="ar", phone="14 030")
    for line in [view["status"], view["buddy"], view["reach"], *view["next_steps"]]:
        assert all(line[language] for language in LANGUAGES), line
    assert view["reach"]["ar"] == "اتصلوا بـ Voorportaal على الرقم 14 030 في أيام العمل."


def test_the_buddy_is_reached_on_their_own_number_else_their_teams_else_the_counter() -> None:
    phones = Phones(
        counter="14 030", teams={"team-noord": "030 111 11 11"}, staff={"cm-bob": "06 1"}
    )
    unowned = case_from(env(intake_submitted(), time=at(0)))
    assert phones.for_case(unowned) == "14 030"
    owned = case_from(env(intake_submitted(), time=at(0)), env(buddy_assigned(), time=at(1)))
    assert phones.for_case(owned) == "14 030"  # cm-anna: no own number, no team
    view = citizen_link.citizen_view(owned, now=at(2), phone="14 030")
    assert view["reach"]["nl"] == "Bel uw contactpersoon Anna de Vries op 14 030, op werkdagen."
    assert Phones().for_case(owned) is None
    bob = case_from(
        env(intake_submitted(), time=at(0)), env(buddy_assigned(casemanager="cm-bob"), time=at(1))
    )
    assert phones.for_case(bob) == "06 1"
    assert citizen_link.citizen_view(owned, now=at(2), phone=None)["reach"] is None
    assert owned.case_id == CASE


def test_a_wish_is_answered_two_dutch_working_days_later_at_five_pm() -> None:
    # Friday evening: Monday and Tuesday are the two working days.
    assert answer_by(datetime(2026, 12, 4, 20, tzinfo=UTC)) == datetime(2026, 12, 8, 16, tzinfo=UTC)
    # King's Day (27 April 2027, a Tuesday) is skipped.
    assert answer_by(datetime(2027, 4, 26, 8, tzinfo=UTC)) == datetime(2027, 4, 29, 15, tzinfo=UTC)
