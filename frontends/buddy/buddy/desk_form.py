"""What a casemanager typed into the desk intake's forms, as the intake API takes it.

Pure functions (no IO, no Reflex): a question's answer from its form by the question's type,
and the contact and citizen steps' bodies. A value that cannot be an answer of its type raises
`FormProblem` with the key of its message (`buddy.i18n`), shown next to the field; whether an
answer is required, in range or a real postcode is the intake's to say (its reason comes back
per field), so the rules live in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from voorportaal_contracts.api.intake import AnswerValue

MULTI_PREFIX: Final = "m__"
"""Form name prefix of a multiple choice question's boxes (one name per option)."""
CHANNEL_PREFIX: Final = "ch__"
"""Form name prefix of the contact step's channel boxes."""
SHARE_PREFIX: Final = "sh__"
"""Form name prefix of the contact step's agency boxes."""
LIFE_EVENT_PREFIX: Final = "le__"
"""Form name prefix of the start step's life event boxes."""

SHARE_AGENCIES: Final = (
    "gemeente",
    "toeslagen",
    "belastingdienst",
    "uwv",
    "svb",
    "duo",
    "cak",
    "cjib",
    "ciz",
    "zorgverzekeraar",
    "wijkteam",
    "schuldhulp",
    "waterschap",
    "cbr",
    "rdw",
    "rechtbank",
    "juridisch-loket",
)
"""The public bodies a citizen may share their story with (the intake catalogue's agencies
with `public`; a test keeps the two the same)."""

CITIZEN_FIELDS: Final = ("name", "bsn", "date_of_birth", "postcode", "house_number")
"""The citizen step's fields (the intake's `CitizenIn`)."""


class FormProblem(ValueError):
    """A form value that cannot be what its field asks for: `key` names the message."""

    def __init__(self, field: str, key: str) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key


def _checked(form: Mapping[str, Any], prefix: str) -> list[str]:
    """The names after `prefix` of the boxes that are ticked, in form order."""
    return [
        name[len(prefix) :] for name, on in form.items() if name.startswith(prefix) and bool(on)
    ]


def answer_value(question_type: str, form: Mapping[str, Any]) -> AnswerValue:
    """The answer to a question of `question_type` from its form (`value`, or one box per
    option for `multi`); an empty field is no answer (None)."""
    if question_type == "multi":
        return _checked(form, MULTI_PREFIX)
    raw = str(form.get("value") or "").strip()
    if not raw:
        return None
    if question_type == "yes_no":
        if raw not in ("yes", "no"):
            raise FormProblem("value", "desk_err_choose")
        return raw == "yes"
    if question_type == "number":
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            raise FormProblem("value", "desk_err_number") from None
        return int(number) if number.is_integer() else number
    if question_type == "date":
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise FormProblem("value", "desk_err_date") from None
    return raw


def life_events_of(form: Mapping[str, Any]) -> list[str]:
    """The life events ticked on the start step."""
    return _checked(form, LIFE_EVENT_PREFIX)


def contact_body(form: Mapping[str, Any]) -> dict[str, Any]:
    """The contact step's body (`PUT /intakes/{id}/contact`): channels, language, addresses
    given, and the agencies the citizen shares their story with."""
    body: dict[str, Any] = {
        "channels": _checked(form, CHANNEL_PREFIX),
        "language": str(form.get("language") or "nl"),
        "share_with": [a for a in _checked(form, SHARE_PREFIX) if a in SHARE_AGENCIES],
    }
    for name in ("email", "phone"):
        value = str(form.get(name) or "").strip()
        if value:
            body[name] = value
    return body


def citizen_body(form: Mapping[str, Any]) -> dict[str, Any]:
    """The citizen step's body (`PUT /intakes/{id}/citizen`): the fields filled in."""
    body = {name: str(form.get(name) or "").strip() for name in CITIZEN_FIELDS}
    return {name: value for name, value in body.items() if value}
