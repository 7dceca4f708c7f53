"""A small but complete life event to test the flow and the validator with."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from voorportaal_intake.domain.content import Catalogue, LifeEventContent


def t(text: str) -> dict[str, str]:
    return {"nl": text, "en": text}


CATALOGUE = Catalogue.model_validate(
    {
        "agencies": [
            {"code": "gemeente", "name": t("Gemeente"), "web": "https://example.nl", "desk": True},
            {"code": "toeslagen", "name": t("Toeslagen"), "web": "https://example.nl"},
        ],
        "needs": [
            {"code": "registration", "label": t("Inschrijving")},
            {"code": "allowances", "label": t("Toeslagen")},
        ],
        "risks": [{"code": "homeless", "label": t("Geen woonplek")}],
    }
)

MOVING: dict[str, Any] = {
    "code": "moving_rented_home",
    "title": t("Verhuizen"),
    "intro": t("Over uw verhuizing."),
    "event_date_question": "moving_date",
    "questions": [
        {
            "id": "moving_date",
            "type": "date",
            "text": t("Wanneer verhuist u?"),
            "max_days_ahead": 365,
        },
        {"id": "new_home", "type": "yes_no", "text": t("Heeft u al een nieuwe woning?")},
        {
            "id": "postcode",
            "type": "postcode",
            "text": t("Wat is de nieuwe postcode?"),
            "show_if": {"question": "new_home", "equals": True},
        },
        {
            "id": "tenure",
            "type": "single",
            "text": t("Huur of koop?"),
            "options": [
                {"value": "rent", "label": t("Huur")},
                {"value": "own", "label": t("Koop")},
            ],
            "show_if": {"question": "new_home", "equals": True},
        },
        {
            "id": "rent",
            "type": "number",
            "text": t("Hoeveel huur?"),
            "minimum": 0,
            "maximum": 5000,
            "show_if": {"question": "tenure", "equals": "rent"},
        },
        {
            "id": "help",
            "type": "multi",
            "text": t("Waarbij wilt u hulp?"),
            "options": [
                {"value": "money", "label": t("Geld")},
                {"value": "forms", "label": t("Formulieren")},
            ],
            "required": False,
        },
    ],
    "signals": [
        {
            "id": "no_home",
            "kind": "risk",
            "code": "homeless",
            "when": {"question": "new_home", "equals": False},
        },
        {
            "id": "register",
            "kind": "need",
            "code": "registration",
            "when": {"question": "moving_date", "answered": True},
        },
    ],
    "checklist": [
        {
            "id": "register_address",
            "title": t("Adres doorgeven"),
            "why": t("Verplicht."),
            "agency": "gemeente",
            "need": "registration",
            "contact": ["web", "desk"],
            "deadline": {"from": "event_date", "days": 5, "rule": t("binnen 5 dagen")},
            "source": "Wet basisregistratie personen, art. 2.39",
            "checked": date(2026, 12, 1),
        },
        {
            "id": "huurtoeslag",
            "title": t("Huurtoeslag"),
            "why": t("Andere huur."),
            "agency": "toeslagen",
            "need": "allowances",
            "contact": ["web"],
            "when": {"question": "tenure", "equals": "rent"},
            "depends_on": ["register_address"],
            "source": "https://www.belastingdienst.nl/toeslagen",
            "checked": date(2026, 12, 1),
        },
    ],
}


def moving(**changes: Any) -> dict[str, Any]:
    """A deep copy of the sample content, with top-level keys replaced."""
    data = copy.deepcopy(MOVING)
    data.update(changes)
    return data


def content(data: dict[str, Any] | None = None) -> LifeEventContent:
    return LifeEventContent.model_validate(data or MOVING)
