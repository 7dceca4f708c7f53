"""Life-event content as data: questionnaires (*stroomschema*), signals and the checklist+.

Content lives in versioned TOML files under `voorportaal_intake/content/<version>/`; this module
only says what a valid file looks like. Every text a citizen reads is given in plain Dutch (B1),
English, Turkish, Arabic and Polish. Conditions are small data expressions over the answers
(see `Condition`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from voorportaal_contracts.types import LifeEvent

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,47}$")]
"""A content id: lowercase, digits and underscores (questions, items, needs, risks)."""

Source = Annotated[str, Field(min_length=5, max_length=300)]
"""Where a rule comes from: the agency's page (an https URL) or the article of law."""

AgencyCode = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Strict):
    """A text in plain Dutch (B1) with its translations. Dutch and English are written in the
    content file; Turkish, Arabic and Polish come from its translation files
    (`adapters/translations.py`), and the content check fails when one is missing."""

    nl: str = Field(min_length=1, max_length=1000)
    en: str = Field(min_length=1, max_length=1000)
    tr: str | None = Field(default=None, min_length=1, max_length=1000)
    ar: str | None = Field(default=None, min_length=1, max_length=1000)
    pl: str | None = Field(default=None, min_length=1, max_length=1000)


AnswerValue = bool | int | float | str | date | list[str]


class Condition(_Strict):
    """When something applies, as data. Exactly one form is used:

    - `question` with one of `equals`, `in_`, `contains`, `at_least`, `at_most`, `answered`;
    - `all` / `any`: lists of conditions; `not_`: one condition.
    """

    question: Id | None = None
    equals: bool | int | str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    contains: str | None = None
    at_least: float | None = None
    at_most: float | None = None
    answered: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        tests = [self.equals, self.in_, self.contains, self.at_least, self.at_most, self.answered]
        used_tests = sum(t is not None for t in tests)
        groups = sum(g is not None for g in (self.all, self.any, self.not_))
        if self.question is not None:
            if groups or used_tests != 1:
                raise ValueError(
                    "a question condition needs exactly one test "
                    "(equals, in, contains, at_least, at_most, answered)"
                )
        elif groups != 1 or used_tests:
            raise ValueError("a condition is either a question test or one of all/any/not")
        return self

    def questions(self) -> set[str]:
        """Every question id this condition reads."""
        found = {self.question} if self.question else set()
        for sub in [*(self.all or ()), *(self.any or ()), *([self.not_] if self.not_ else [])]:
            found |= sub.questions()
        return found

    def holds(self, answers: dict[str, Any]) -> bool:
        """Whether the condition holds for these answers (an unanswered question fails tests)."""
        if self.all is not None:
            return all(c.holds(answers) for c in self.all)
        if self.any is not None:
            return any(c.holds(answers) for c in self.any)
        if self.not_ is not None:
            return not self.not_.holds(answers)
        assert self.question is not None
        present = self.question in answers
        if self.answered is not None:
            return present == self.answered
        if not present:
            return False
        value = answers[self.question]
        if self.equals is not None:
            return bool(value == self.equals)
        if self.in_ is not None:
            return value in self.in_
        if self.contains is not None:
            return isinstance(value, list) and self.contains in value
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        if self.at_least is not None:
            return value >= self.at_least
        return self.at_most is not None and value <= self.at_most


QuestionType = Literal["yes_no", "single", "multi", "date", "number", "postcode", "text"]


class Option(_Strict):
    """One choice of a single or multiple choice question."""

    value: Id
    label: Text


class Question(_Strict):
    """One step of the questionnaire."""

    id: Id
    type: QuestionType
    text: Text
    help: Text | None = None
    options: list[Option] = Field(default_factory=list)
    show_if: Condition | None = None
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    past_only: bool = False
    """For dates: the answer may not lie in the future (e.g. a date of death)."""
    max_days_ahead: int | None = None
    """For dates: how far ahead the answer may lie (e.g. a planned move within a year)."""

    @model_validator(mode="after")
    def _options_match_type(self) -> Question:
        has_options = bool(self.options)
        if (self.type in ("single", "multi")) != has_options:
            raise ValueError(f"question {self.id}: options belong to single/multi questions only")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError(f"question {self.id}: option values repeat")
        return self


class Signal(_Strict):
    """A need or an acute risk that the answers reveal."""

    id: Id
    kind: Literal["need", "risk"]
    code: Id
    when: Condition


class Deadline(_Strict):
    """A real deadline, counted from the event date or from a date answer."""

    from_: Literal["event_date"] | Id = Field(alias="from")
    days: int | None = Field(default=None, ge=0, le=3660)
    working_days: int | None = Field(default=None, ge=0, le=260)
    months: int | None = Field(default=None, ge=0, le=120)
    before: bool = False
    """Counted back from the date (e.g. apply 4 weeks *before* the move)."""
    roll_forward: bool = True
    """A term that ends on a weekend day or holiday runs on to the next working day (Algemene
    termijnenwet). False for a duty that falls on the day itself, such as reporting sick on
    the first day of illness even when that is a Saturday."""
    rule: Text
    """The rule in words, e.g. "binnen 5 dagen na de verhuizing"."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _one_period(self) -> Deadline:
        if sum(p is not None for p in (self.days, self.working_days, self.months)) != 1:
            raise ValueError("a deadline has exactly one of days, working_days, months")
        return self


Channel = Literal["web", "phone", "desk", "post"]


class ChecklistItem(_Strict):
    """A job to be done: what, where, why, by when, how, and whether we can refer."""

    id: Id
    title: Text
    why: Text
    agency: AgencyCode
    need: Id | None = None
    when: Condition | None = None
    deadline: Deadline | None = None
    contact: list[Channel] = Field(min_length=1)
    refer: bool = False
    """The voorportaal can refer the citizen to the agency directly (warm handover)."""
    depends_on: list[Id] = Field(default_factory=list)
    """Items whose outcome this one waits for (an *estafette*)."""
    source: Source | None = None
    """The agency's page or the article of law this item rests on (the content check
    refuses an item without one)."""
    checked: date | None = None
    """The day the item was last compared with its source (the content check refuses an item
    without one and warns when it is more than a year old)."""


class LifeEventContent(_Strict):
    """Everything the intake knows about one life event."""

    code: LifeEvent
    title: Text
    intro: Text
    event_date_question: Id
    questions: list[Question] = Field(min_length=1)
    signals: list[Signal] = Field(default_factory=list)
    checklist: list[ChecklistItem] = Field(min_length=1)


class Agency(_Strict):
    """An agency the checklist can send a citizen to."""

    code: AgencyCode
    name: Text
    web: str = Field(pattern=r"^https://")
    phone: str | None = None
    desk: bool = False
    electronic_referral: bool = False
    public: bool = True
    """A public body (an *instantie*). False for parties the checklist names that are not one,
    such as the employer or a pension fund: a citizen cannot share a dossier with them, and
    triage does not count them among the agencies involved."""


class Code(_Strict):
    """A need or risk code with its label."""

    code: Id
    label: Text


class Catalogue(_Strict):
    """The shared lists every life event refers to (agencies.toml, needs.toml)."""

    agencies: list[Agency]
    needs: list[Code]
    risks: list[Code]
