"""The rules the questionnaire pages apply before the intake sees an answer, and how the
continue-later link carries the intake: no IO, no browser."""

from __future__ import annotations

import uuid

import pytest

from portal.flow import (
    AnswerError,
    answer_value,
    api_reason,
    parse_resume_fragment,
    question_view,
    resume_fragment,
    shown_value,
)
from portal.i18n import LANGUAGES, TEXTS
from voorportaal_contracts.api.intake import FieldProblemOut, LocalText, OptionOut, QuestionOut

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJpbnRha2U6eCJ9.c2lnbmF0dXJl"


def test_the_continue_later_fragment_gives_back_the_intake_and_its_token() -> None:
    intake = str(uuid.uuid4())
    assert parse_resume_fragment("#" + resume_fragment(intake, TOKEN)) == (
        uuid.UUID(intake),
        TOKEN,
    )


@pytest.mark.parametrize(
    "fragment",
    ["", "#", "#not-an-id~" + TOKEN, f"#{uuid.uuid4()}", f"#{uuid.uuid4()}~short", "#<script>"],
)
def test_a_broken_continue_later_fragment_is_refused(fragment: str) -> None:
    assert parse_resume_fragment(fragment) is None


def test_a_number_is_read_the_dutch_way_too() -> None:
    assert answer_value("number", " 1 250,50 ", []) == 1250.5
    assert answer_value("number", "12", []) == 12


def test_a_number_that_is_not_one_is_refused_in_the_citizens_words() -> None:
    with pytest.raises(AnswerError) as refused:
        answer_value("number", "twaalf", [])
    assert refused.value.texts()["ar"] == TEXTS["error_number"]["ar"]


def test_a_number_outside_the_questions_limits_names_the_limits() -> None:
    with pytest.raises(AnswerError) as refused:
        answer_value("number", "1500", [], 0, 20)
    texts = refused.value.texts()
    assert texts["nl"] == "Vul een getal in van 0 tot en met 20."
    assert "20" in texts["ar"]
    assert all("{" not in texts[language] for language in LANGUAGES)


def test_an_empty_field_is_a_skipped_answer_and_yes_no_is_a_boolean() -> None:
    assert answer_value("text", "   ", []) is None
    assert answer_value("multi", "", []) is None
    assert answer_value("multi", "", ["a", "b"]) == ["a", "b"]
    assert answer_value("yes_no", "false", []) is False
    assert answer_value("yes_no", "true", []) is True


def test_an_earlier_answer_is_shown_again_in_its_field() -> None:
    assert shown_value(True) == ("true", [])
    assert shown_value(["x"]) == ("", ["x"])
    assert shown_value(3.0) == ("3", [])
    assert shown_value(None) == ("", [])


def test_the_intakes_reason_is_shown_in_dutch_and_english_and_plain_words_otherwise() -> None:
    texts = api_reason(FieldProblemOut(field="value", reason="too early", reason_nl="te vroeg"))
    assert (texts["nl"], texts["en"]) == ("te vroeg", "too early")
    assert texts["pl"] == TEXTS["error_invalid"]["pl"]


def test_a_yes_no_question_offers_yes_and_no_in_every_language() -> None:
    question = QuestionOut(
        id="unsafe",
        type="yes_no",
        text=LocalText(nl="Bent u in gevaar?", en="Are you in danger?"),
        help=None,
        options=[],
        required=True,
        minimum=None,
        maximum=None,
    )
    view = question_view(question)
    assert [o["value"] for o in view["options"]] == ["true", "false"]
    assert view["options"][0]["label"]["tr"] == "Evet"
    assert view["text"]["ar"] == "Bent u in gevaar?"
    assert view["text"]["lang_ar"] == "nl"


def test_the_choices_of_a_single_question_keep_their_order_and_values() -> None:
    question = QuestionOut(
        id="housing",
        type="single",
        text=LocalText(nl="Woning?", en="Home?"),
        help=LocalText(nl="Kies er één.", en="Choose one."),
        options=[
            OptionOut(value="rent", label=LocalText(nl="Huur", en="Rent", ar="إيجار")),
            OptionOut(value="own", label=LocalText(nl="Koop", en="Owned")),
        ],
        required=False,
        minimum=None,
        maximum=None,
    )
    view = question_view(question)
    assert [o["value"] for o in view["options"]] == ["rent", "own"]
    assert view["options"][0]["label"]["ar"] == "إيجار"
    assert view["has_help"] is True
    assert view["required"] is False
