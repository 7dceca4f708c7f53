"""Second reading of the translations (issue 18): what a reader found wrong stays fixed, and
the mechanical part of the second reading (`translation_problems`) guards every template."""

from __future__ import annotations

from datetime import date

import pytest
from notify_helpers import LINK

from voorportaal_notify.domain.render import Renderer, translation_problems
from voorportaal_notify.domain.templates import TemplateCatalogue, TemplateText

DUE = date(2026, 5, 18)
"""A deadline: 18 May 2026."""


def test_the_translations_pass_the_second_readers_check(catalogue: TemplateCatalogue) -> None:
    assert translation_problems(catalogue) == []


def test_arabic_action_required_says_no_later_than_the_date_in_headline_sms_and_body(
    renderer: Renderer,
) -> None:
    # Dutch "uiterlijk op" includes the date; "قبل" (before) would end a day early.
    message = renderer.render("action_required", "ar", {"link": LINK, "date": DUE})
    text = message.text
    headline = renderer.catalogue.templates["action_required"].texts["ar"].headline
    assert "في موعد أقصاه" in headline
    assert "قبل" not in headline
    assert "قبل" not in message.sms
    assert "في موعد أقصاه" in message.sms
    assert "في موعد أقصاه" in text


def test_arabic_promise_due_reminds_of_something_due_by_the_date_not_agreed_before_it(
    catalogue: TemplateCatalogue,
) -> None:
    text = catalogue.templates["promise_due"].texts["ar"]
    for line in (text.headline, text.sms, *text.body):
        assert "قبل" not in line
    assert "بحلول" in text.headline  # "by" the date


def test_polish_link_label_reads_summary_not_inspection(catalogue: TemplateCatalogue) -> None:
    assert "podsumowanie" in catalogue.common["pl"].link_label.lower()
    assert "przegląd" not in catalogue.common["pl"].link_label.lower()


@pytest.mark.parametrize("language", ["en", "pl", "ar", "tr"])
def test_action_required_says_at_the_latest_in_headline_and_body_alike(
    catalogue: TemplateCatalogue, language: str
) -> None:
    marker = {
        "en": "at the latest",
        "pl": "najpóźniej do",
        "ar": "في موعد أقصاه",
        "tr": "son tarih",
    }[language]
    text = catalogue.templates["action_required"].texts[language]
    for line in (text.headline, text.body[0], text.sms):
        assert marker in line.lower()


def _with_text(catalogue: TemplateCatalogue, language: str, **changes: str) -> TemplateCatalogue:
    template = catalogue.templates["action_required"]
    texts: dict[str, TemplateText] = dict(template.texts)
    texts[language] = texts[language].model_copy(update=changes)
    templates = dict(catalogue.templates)
    templates["action_required"] = template.model_copy(update={"texts": texts})
    return catalogue.model_copy(update={"templates": templates})


def test_a_subject_starting_with_a_space_is_a_problem(catalogue: TemplateCatalogue) -> None:
    broken = _with_text(catalogue, "pl", subject=" Musi Pan/Pani coś zrobić")
    assert translation_problems(broken) == [
        "template action_required.pl.subject: stray space in ' Musi Pan/Pani coś zrobić'"
    ]


def test_a_translation_that_drops_the_dutch_date_is_a_problem(
    catalogue: TemplateCatalogue,
) -> None:
    headline = "Bir şey yapmanız gerekiyor."
    broken = _with_text(catalogue, "tr", headline=headline)
    assert translation_problems(broken) == [
        "template action_required.tr.headline: prints [], the Dutch text prints ['date']"
    ]


def test_doubled_spaces_and_a_space_before_punctuation_are_problems(
    catalogue: TemplateCatalogue,
) -> None:
    for headline in ("You need to do  something by {{ date }}.", "Do something by {{ date }} ."):
        broken = _with_text(catalogue, "en", headline=headline)
        (problem,) = translation_problems(broken)
        assert problem.startswith("template action_required.en.headline: stray space")


# --- the second reader's findings (c-review) ----------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_promise_due_says_at_the_latest_on_the_date_not_for_or_before_it(
    catalogue: TemplateCatalogue, language: str
) -> None:
    # Dutch "afgesproken voor {{ date }}" reads as "agreed before the date" (which is how the
    # Arabic once came out); the promise is due on the date itself, "uiterlijk op" includes it.
    marker = {"nl": "uiterlijk op {{ date }}", "en": "by {{ date }} at the latest"}[language]
    text = catalogue.templates["promise_due"].texts[language]
    for line in (text.headline, text.body[0], text.sms):
        assert marker in line
    assert "voor {{ date }}" not in text.headline + text.sms
    assert "for {{ date }}" not in text.headline + text.sms


def test_buddy_assigned_says_personal_contact_person_in_english_like_the_dutch_vaste(
    catalogue: TemplateCatalogue,
) -> None:
    text = catalogue.templates["buddy_assigned"].texts["en"]
    assert "personal contact person" in text.subject
    assert "personal contact person" in text.sms


def test_arabic_case_closed_says_handling_finished_not_application_complete(
    catalogue: TemplateCatalogue,
) -> None:
    # "اكتمل طلبك" also reads "your application is complete" (all papers in), not "closed".
    text = catalogue.templates["case_closed"].texts["ar"]
    for line in (text.subject, text.headline, text.body[0], text.sms):
        assert "انتهت معالجة طلبك" in line
        assert "اكتمل" not in line


def test_polish_referral_accepted_headline_reads_one_of_the_agencies(
    catalogue: TemplateCatalogue,
) -> None:
    # "Pewna instytucja" reads as "a certain (mysterious) institution".
    text = catalogue.templates["referral_accepted"].texts["pl"]
    assert text.headline == "Jedna z instytucji Panu/Pani pomoże."
