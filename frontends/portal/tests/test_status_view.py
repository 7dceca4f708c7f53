"""The status page's content from the dossier's citizen view: the citizen's language (Dutch
where a text lacks it), estafette steps in plain words, the checklist by deadline with its
state in words."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.status_view import pick, status_page

TODAY = date(2026, 12, 6)


def _view(**extra: Any) -> dict[str, Any]:
    return {
        "case_id": "vp-status-000001",
        "status": {"nl": "Uw zaak loopt.", "en": "Your case is open.", "ar": "ملفك مفتوح.",
                   "closed": False},
        "buddy": {"nl": "Uw vaste contactpersoon is Anna.", "en": "Your contact person is Anna.",
                  "ar": "الشخص المسؤول عنك هو Anna.", "name": "Anna"},
        "arranged": [{"nl": "UWV helpt u verder.", "en": "UWV is helping you.", "agency": "uwv",
                      "referral_id": "r1"}],
        "waiting": [
            {"nl": "De gemeente komt aan de beurt als UWV klaar is.",
             "en": "The municipality is next, once UWV has finished.",
             "ar": "يأتي دور البلدية بعد أن ينتهي UWV.",
             "agency": "gemeente", "on": "uwv", "referral_id": "r2"},
            {"nl": "We wachten op een reactie van de SVB.", "en": "We are waiting for the SVB.",
             "agency": "svb", "on": "svb", "referral_id": "r3"},
        ],
        "next_steps": [{"nl": "U hoeft nu niets te doen.", "en": "There is nothing to do."}],
        "promises": [],
        "sharing": [], "mandates": [], "links": [], "refused": {},
        "messages": [], "actions": [],
        **extra,
    }  # fmt: skip


def test_the_status_is_shown_in_the_citizens_language_and_arabic_reads_right_to_left() -> None:
    page = status_page(_view(), "ar", today=TODAY)
    assert page.direction == "rtl"
    assert page.status == "ملفك مفتوح."
    assert page.buddy == "الشخص المسؤول عنك هو Anna."
    assert status_page(_view(), "en", today=TODAY).direction == "ltr"


def test_a_sentence_the_dossier_lacks_in_a_language_falls_back_to_dutch_not_a_code() -> None:
    page = status_page(_view(), "ar", today=TODAY)
    assert page.arranged[0].text == "UWV helpt u verder."
    assert pick({"nl": "Tekst", "en": "Text", "tr": ""}, "tr") == "Tekst"


def test_an_estafette_step_says_in_plain_words_that_it_waits_on_the_step_before() -> None:
    page = status_page(_view(), "nl", today=TODAY)
    chain, direct = page.waiting
    assert chain.note == "Deze stap begint pas als de stap ervoor klaar is."
    assert direct.note == ""


def test_the_checklist_lists_late_then_open_by_deadline_then_done_each_state_in_words() -> None:
    items = [
        {"item_id": "done", "title": {"nl": "Klaar", "en": "Done"}, "agency": "svb",
         "due_on": "2026-12-01", "done": True},
        {"item_id": "later", "title": {"nl": "Later", "en": "Later", "ar": "لاحقاً"},
         "agency_name": {"nl": "UWV", "en": "UWV"}, "due_on": "2026-12-20", "done": False,
         "phone": "0800-2234 567", "web": "https://www.uwv.nl"},
        {"item_id": "soon", "title": "Binnenkort", "due_on": "2026-12-08", "done": False},
        {"item_id": "late", "title": "Te laat", "due_on": "2026-12-01", "done": False},
    ]  # fmt: skip
    page = status_page(_view(checklist=items), "nl", today=TODAY)
    assert [line.item_id for line in page.checklist] == ["late", "soon", "later", "done"]
    late, soon, later, done = page.checklist
    assert (late.state, soon.state, done.state) == ("Te laat", "Nog doen", "Gedaan")
    assert later.due == "Uiterlijk zondag 20 december 2026"
    assert later.phone_href == "tel:08002234567"
    assert later.web == "https://www.uwv.nl"
    assert status_page(_view(checklist=items), "ar", today=TODAY).checklist[2].title == "لاحقاً"


def test_a_checklist_website_that_is_not_http_is_not_made_a_link() -> None:
    items = [{"item_id": "x", "title": "X", "web": "javascript:alert(1)"}]
    assert status_page(_view(checklist=items), "nl", today=TODAY).checklist[0].web == ""


def test_promises_say_whether_they_were_kept_and_the_buddy_can_be_called() -> None:
    promises = [
        {"nl": "UWV heeft beloofd: bellen.", "en": "UWV promised: call.", "promise_id": "p1",
         "status": "broken"},
        {"nl": "Uw buddy heeft beloofd: brief.", "en": "Your buddy promised: letter.",
         "promise_id": "p2", "status": "kept"},
    ]  # fmt: skip
    reach = {"nl": "Bel uw contactpersoon op werkdagen.", "en": "Call on working days.",
             "phone": "020 123 4567"}  # fmt: skip
    page = status_page(_view(promises=promises, reach=reach), "nl", today=TODAY)
    assert page.promises[0].note.startswith("Deze belofte is niet nagekomen.")
    assert page.promises[1].note == "Deze belofte is nagekomen."
    assert page.buddy_contact == "Bel uw contactpersoon op werkdagen."
    assert page.buddy_tel == "tel:0201234567"


def test_a_phone_number_reads_left_to_right_and_unbroken_inside_an_arabic_sentence() -> None:
    reach = {"nl": "Bel ons.", "en": "Call us.", "phone": "14 030"}
    page = status_page(_view(reach=reach), "ar", today=TODAY)
    assert page.buddy_phone == "\u206614\u00a0030\u2069"
    assert page.buddy_tel == "tel:14030"
