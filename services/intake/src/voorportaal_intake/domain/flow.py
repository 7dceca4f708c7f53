"""The questionnaire flow: which question comes next, and whether an answer fits it.

The same flow serves a citizen on the web and a phone or desk worker: the server always says
which question is next. Going back and changing an answer may hide later questions; their
answers are then dropped (`prune`), so an intake never carries answers nobody was shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from voorportaal_intake.domain.content import LifeEventContent, Question

_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Z]{2}$")
MAX_TEXT = 2000


@dataclass(frozen=True)
class AnswerError(ValueError):
    """An answer that does not fit its question; says why in Dutch and English."""

    question: str
    nl: str
    en: str

    def __str__(self) -> str:
        return f"{self.question}: {self.en}"


def is_visible(question: Question, answers: dict[str, Any]) -> bool:
    """Whether the question is asked, given the answers so far."""
    return question.show_if is None or question.show_if.holds(answers)


def next_question(questions: Sequence[Question], answers: dict[str, Any]) -> Question | None:
    """The first visible question without an answer; None when the questionnaire is done."""
    for question in questions:
        if question.id not in answers and is_visible(question, answers):
            return question
    return None


def prune(questions: Sequence[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers without those to questions that are no longer shown (in question order)."""
    kept: dict[str, Any] = {}
    for question in questions:
        if question.id in answers and is_visible(question, kept):
            kept[question.id] = answers[question.id]
    return kept


def previous_question(questions: Sequence[Question], answers: dict[str, Any]) -> Question | None:
    """The last answered visible question (what "back" returns to), or None at the start."""
    answered = [q for q in questions if q.id in answers and is_visible(q, answers)]
    return answered[-1] if answered else None


def parse_answer(question: Question, raw: Any, *, today: date) -> Any:
    """The answer in its proper type, or AnswerError saying what is wrong."""
    if raw is None and not question.required:
        return None  # skipped: counts as answered, so the flow moves on
    return _PARSERS.get(question.type, _text)(question, raw, today)


def _fail(question: Question, nl: str, en: str) -> AnswerError:
    return AnswerError(question.id, nl, en)


def _yes_no(question: Question, raw: Any, _today: date) -> Any:
    if not isinstance(raw, bool):
        raise _fail(question, "Kies ja of nee.", "Choose yes or no.")
    return raw


def _single(question: Question, raw: Any, _today: date) -> Any:
    if not isinstance(raw, str) or raw not in {o.value for o in question.options}:
        raise _fail(question, "Kies een van de antwoorden.", "Choose one of the answers.")
    return raw


def _multi(question: Question, raw: Any, _today: date) -> Any:
    options = {o.value for o in question.options}
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _fail(question, "Kies een of meer antwoorden.", "Choose one or more answers.")
    unknown = set(raw) - options
    if unknown or (question.required and not raw):
        raise _fail(
            question, "Kies een of meer van de antwoorden.", "Choose one or more of the answers."
        )
    return sorted(set(raw), key=[o.value for o in question.options].index)


def _number(question: Question, raw: Any, _today: date) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _fail(question, "Vul een getal in.", "Enter a number.")
    if question.minimum is not None and raw < question.minimum:
        raise _fail(
            question,
            f"Het getal is te klein (minstens {question.minimum:g}).",
            f"The number is too small (at least {question.minimum:g}).",
        )
    if question.maximum is not None and raw > question.maximum:
        raise _fail(
            question,
            f"Het getal is te groot (hoogstens {question.maximum:g}).",
            f"The number is too large (at most {question.maximum:g}).",
        )
    return raw


def _date(question: Question, raw: Any, today: date) -> Any:
    try:
        value = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if value is None:
        raise _fail(question, "Vul een datum in als JJJJ-MM-DD.", "Enter a date as YYYY-MM-DD.")
    if question.past_only and value > today:
        raise _fail(
            question,
            "Deze datum kan niet in de toekomst liggen.",
            "This date cannot be in the future.",
        )
    if question.max_days_ahead is not None and value > today + timedelta(
        days=question.max_days_ahead
    ):
        raise _fail(
            question, "Deze datum ligt te ver in de toekomst.", "This date is too far ahead."
        )
    return value


def _postcode(question: Question, raw: Any, _today: date) -> Any:
    text = raw.strip().upper() if isinstance(raw, str) else ""
    if not _POSTCODE.fullmatch(text):
        raise _fail(
            question, "Vul een postcode in zoals 1234 AB.", "Enter a postcode like 1234 AB."
        )
    return text.replace(" ", "")


def _text(question: Question, raw: Any, _today: date) -> Any:
    text = raw.strip() if isinstance(raw, str) else ""
    if (question.required and not text) or len(text) > MAX_TEXT:
        raise _fail(
            question,
            f"Vul een tekst in (hoogstens {MAX_TEXT} tekens).",
            f"Enter a text (at most {MAX_TEXT} characters).",
        )
    return text


_PARSERS: dict[str, Callable[[Question, Any, date], Any]] = {
    "yes_no": _yes_no,
    "single": _single,
    "multi": _multi,
    "number": _number,
    "date": _date,
    "postcode": _postcode,
    "text": _text,
}
"""One parser per question type (`QuestionType`)."""


def signals(content: LifeEventContent, answers: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The needs and the acute risks the answers reveal (codes, in content order, unique)."""
    needs: list[str] = []
    risks: list[str] = []
    for signal in content.signals:
        if signal.when.holds(answers):
            target = needs if signal.kind == "need" else risks
            if signal.code not in target:
                target.append(signal.code)
    return needs, risks
