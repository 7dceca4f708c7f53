"""The intake's HTTP answers: life events, the questionnaire step, the intake with its triage
and checklist+, and the confirmation of an address.

The citizen portal and the console read these models instead of parsing JSON by hand. Texts a
citizen reads come as `LocalText` (plain Dutch and English); codes (`LifeEvent`,
`Redzaamheid`, an agency code) are never shown as such: a label table translates them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from voorportaal_contracts.api.texts import CitizenText
from voorportaal_contracts.types import (
    Channel,
    CitizenLanguage,
    LifeEvent,
    MessageChannel,
    Redzaamheid,
    Urgency,
)

AnswerValue = bool | int | float | str | list[str] | None
"""An answer as stored and shown: yes/no, a number, a text or date (YYYY-MM-DD), a list of
option values, or null (skipped)."""

QuestionType = Literal["yes_no", "single", "multi", "date", "number", "postcode", "text"]


class LocalText(CitizenText):
    """A text in plain Dutch (B1) with its translations: English, Turkish, Arabic, Polish
    (`voorportaal_contracts.types.CitizenLanguage`). The shipped content has all five (the
    content check fails otherwise); a reader falls back to Dutch when one is missing."""


class LifeEventOut(BaseModel):
    """A life event the intake covers."""

    code: LifeEvent
    title: LocalText
    intro: LocalText


class OptionOut(BaseModel):
    """One choice of a single or multiple choice question."""

    value: str
    label: LocalText


class QuestionOut(BaseModel):
    """A question as a form or a phone script shows it."""

    id: str
    type: QuestionType
    text: LocalText
    help: LocalText | None
    options: list[OptionOut] = Field(description="The choices (single and multi questions).")
    required: bool
    minimum: float | None
    maximum: float | None


class NextOut(BaseModel):
    """The question to ask next, and to which step it belongs."""

    step: str = Field(description="A life event's code, or `profile` (the triage questions).")
    question: QuestionOut


class TriageReasonOut(BaseModel):
    """A triage rule that held, and what it counted."""

    rule: str
    text: LocalText
    points: int


class TriageOut(BaseModel):
    """The proposed self-reliance and urgency, always with the reasons."""

    redzaamheid: Redzaamheid
    urgency: Urgency
    points: int
    buddy_proposed: bool = Field(description="Proposed to a person, who decides.")
    reasons: list[TriageReasonOut]


class ChecklistItemOut(BaseModel):
    """One job to be done on the checklist+: what, where, why, by when, how."""

    id: str
    title: LocalText
    agency: str = Field(description="The agency's code (its name comes from the catalogue).")
    why: list[LocalText] = Field(description="Why, once per life event that asks for it.")
    life_events: list[LifeEvent]
    deadline: date | None = None
    deadline_rule: LocalText | None = Field(default=None, description="The deadline in words.")
    contact: list[Literal["web", "phone", "desk", "post"]]
    refer: bool = Field(description="The voorportaal can refer the citizen directly.")
    need: str | None = None
    depends_on: list[str] = Field(
        default_factory=list, description="Items whose outcome this one waits for."
    )
    done: bool = Field(default=False, description="The citizen (or staff) ticked it off.")
    agency_name: LocalText | None = Field(
        default=None, description="The agency's name as people know it (from the catalogue)."
    )
    phone: str | None = Field(default=None, description="The agency's phone number.")
    web: str | None = Field(default=None, description="The agency's website.")


class IntakeResultOut(BaseModel):
    """What submitting computed: needs, risks, triage and the checklist+."""

    needs: list[str]
    risks: list[str]
    municipality_code: str | None = None
    triage: TriageOut
    checklist: list[ChecklistItemOut]


Condition = dict[str, Any]
"""When something applies, as data: a test of one answer (`question` with one of `equals`,
`in`, `contains`, `at_least`, `at_most`, `answered`), or `all`/`any` (lists of conditions) or
`not` (one condition). Free-form in the OpenAPI document: its keys `in` and `not` are Python
keywords, which a typed model could only name by an alias that the document would not show."""

Deadline = dict[str, Any]
"""A real deadline: `from` (`event_date` or a date question's id), one of `days`,
`working_days`, `months`, and `before`, `roll_forward`, `rule` (a `LocalText`). Free-form in
the OpenAPI document for the same reason as `Condition` (its key `from`)."""


class QuestionContentOut(BaseModel):
    """A question of a questionnaire as content: with its condition and its limits."""

    id: str
    type: QuestionType
    text: LocalText
    help: LocalText | None = None
    options: list[OptionOut] = Field(default_factory=list)
    show_if: Condition | None = Field(default=None, description="Asked only when this holds.")
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    past_only: bool = Field(default=False, description="A date that may not lie ahead.")
    max_days_ahead: int | None = Field(default=None, description="How far ahead a date may lie.")


class SignalOut(BaseModel):
    """A need or an acute risk that the answers reveal."""

    id: str
    kind: Literal["need", "risk"]
    code: str
    when: Condition


class ChecklistItemContentOut(BaseModel):
    """A job on a life event's checklist+ as content: when it applies, its deadline rule, and
    the source it rests on."""

    id: str
    title: LocalText
    why: LocalText
    agency: str
    need: str | None = None
    when: Condition | None = None
    deadline: Deadline | None = None
    contact: list[Literal["web", "phone", "desk", "post"]]
    refer: bool = False
    depends_on: list[str] = Field(default_factory=list)
    source: str | None = Field(default=None, description="The agency's page or the law.")
    checked: date | None = Field(default=None, description="Last compared with its source.")


class QuestionnaireOut(BaseModel):
    """One life event's questionnaire, signals and checklist+ (the content as data). Fields
    that are not set are left out of the answer."""

    code: LifeEvent
    title: LocalText
    intro: LocalText
    event_date_question: str
    questions: list[QuestionContentOut]
    signals: list[SignalOut] = Field(default_factory=list)
    checklist: list[ChecklistItemContentOut]


class IntakeOut(BaseModel):
    """An intake, its next question, and (once submitted) triage and checklist+."""

    id: UUID
    case_id: str
    status: Literal["open", "submitted"]
    life_events: list[LifeEvent]
    channel: Channel
    next: NextOut | None = Field(description="The question to ask next; null once complete.")
    answered: int = Field(description="How many questions are answered.")
    result: IntakeResultOut | None = Field(description="Set once submitted.")
    revision: int = Field(description="1 at submission; each amendment adds one.")
    answers: dict[str, dict[str, AnswerValue]] = Field(
        description="The answers so far, per step (life event or `profile`)."
    )
    token: str | None = Field(
        default=None, description="A citizen's token for the next steps (only on start)."
    )
    status_link: str | None = Field(
        default=None,
        description="The citizen's status page in the portal (once submitted): a signed short "
        "link `<portal>/l/<token>`. Null before submission, and when this intake holds no key "
        "to sign citizen links (then the link arrives by SMS or e-mail from notify).",
    )
    language: CitizenLanguage = Field(
        default=CitizenLanguage.NL,
        description="The citizen's language, chosen at the start or in the contact step.",
    )
    awaiting_confirmation: bool = Field(
        default=False,
        description="Submitted from an anonymous start with no confirmed address: the agencies "
        "get nothing until the citizen confirms a code or staff take the intake in.",
    )


class ConfirmationOut(BaseModel):
    """Which of the citizen's addresses are confirmed, and whether the intake still waits."""

    verified: list[MessageChannel] = Field(description="Channels whose address is confirmed.")
    awaiting_confirmation: bool = Field(
        description="Submitted, and held from the agencies until confirmed."
    )
    confirmed_by: Literal["citizen", "staff"] | None = None
    representative_verified: list[MessageChannel] = Field(
        default_factory=list,
        description="The representative's channels confirmed with a code (copies go only there).",
    )


class CodesSentOut(BaseModel):
    """The channels a new one-time code went to."""

    sent_to: list[MessageChannel]


class FieldProblemOut(BaseModel):
    """Which field a problem is about, in English and Dutch (an error summary links to it)."""

    field: str
    reason: str
    reason_nl: str


class ProblemOut(BaseModel):
    """A problem (RFC 9457), as every error of this API is answered."""

    type: str = Field(examples=["urn:voorportaal:problem:rate_limited"])
    title: str
    status: int
    detail: str | None = None
    detail_nl: str | None = Field(
        default=None, description="The detail in Dutch, when the service says it in Dutch too."
    )
    errors: list[FieldProblemOut] | None = None
