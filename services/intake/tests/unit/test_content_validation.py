"""The content validator catches broken content; the shipped content passes it."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from intake_factories import CATALOGUE, MOVING, content, moving
from pydantic import ValidationError

from voorportaal_contracts.types import LifeEvent
from voorportaal_intake.adapters.content_files import load_catalogue, load_life_events, load_triage
from voorportaal_intake.domain.content import LifeEventContent
from voorportaal_intake.domain.triage import TriageContent, stale_triage_rules, triage_problems
from voorportaal_intake.domain.validation import problems, stale


def test_the_sample_content_is_valid() -> None:
    assert problems(content(), CATALOGUE) == []


def broken(edit: Any) -> list[str]:
    data = copy.deepcopy(MOVING)
    edit(data)
    return problems(LifeEventContent.model_validate(data), CATALOGUE)


def q(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(x for x in data["questions"] if x["id"] == qid)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: q(d, "postcode").update(show_if={"question": "nope", "equals": True}),
            "not an earlier question",
        ),
        (
            lambda d: q(d, "new_home").update(show_if={"question": "tenure", "equals": "rent"}),
            "not an earlier question",
        ),
        (
            lambda d: q(d, "rent").update(show_if={"question": "tenure", "equals": "lease"}),
            "has no option lease",
        ),
        (
            lambda d: q(d, "rent").update(show_if={"question": "tenure", "in": ["rent", "x"]}),
            "has no option(s) ['x']",
        ),
        (
            lambda d: d["checklist"][1].update(when={"question": "help", "contains": "cake"}),
            "has no option cake",
        ),
        (
            lambda d: q(d, "rent").update(show_if={"question": "new_home", "at_least": 2}),
            "not a number question",
        ),
        (
            lambda d: q(d, "rent").update(show_if={"question": "new_home", "equals": "yes"}),
            "cannot match yes_no",
        ),
        (lambda d: d["checklist"][0].update(agency="ministerie"), "unknown agency ministerie"),
        (lambda d: d["checklist"][0].update(need="cake"), "unknown need cake"),
        (lambda d: d["signals"][0].update(code="flood"), "unknown risk flood"),
        (lambda d: d["checklist"][1].update(depends_on=["missing"]), "unknown item missing"),
        (lambda d: d["checklist"][0].update(depends_on=["huurtoeslag"]), "go round"),
        (lambda d: d["checklist"][0]["deadline"].update({"from": "tenure"}), "not a date question"),
        (lambda d: d.update(event_date_question="tenure"), "is not a date"),
        (lambda d: d.update(event_date_question="nothing"), "is no question"),
        (
            lambda d: q(d, "moving_date").update(show_if={"question": "new_home", "equals": True}),
            "not an earlier question",
        ),
        (lambda d: d["questions"].append(copy.deepcopy(q(d, "rent"))), "appears twice"),
    ],
)
def test_broken_content_is_caught(edit: Any, expected: str) -> None:
    found = broken(edit)
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(
    "data",
    [
        moving(questions=[{"id": "x", "type": "single", "text": {"nl": "a", "en": "a"}}]),
        moving(
            questions=[
                {
                    "id": "x",
                    "type": "date",
                    "text": {"nl": "a", "en": "a"},
                    "options": [{"value": "a", "label": {"nl": "a", "en": "a"}}],
                }
            ]
        ),
        moving(checklist=[{**MOVING["checklist"][0], "contact": []}]),
        moving(
            checklist=[
                {
                    **MOVING["checklist"][0],
                    "deadline": {
                        "from": "event_date",
                        "days": 5,
                        "months": 1,
                        "rule": {"nl": "a", "en": "a"},
                    },
                }
            ]
        ),
        moving(
            signals=[
                {
                    "id": "s",
                    "kind": "need",
                    "code": "registration",
                    "when": {"question": "new_home", "equals": True, "answered": True},
                }
            ]
        ),
        moving(title={"nl": "Alleen Nederlands"}),
        moving(code="winning_the_lottery"),
    ],
)
def test_malformed_content_does_not_even_load(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        LifeEventContent.model_validate(data)


def test_shipped_content_covers_all_six_life_events_and_is_valid() -> None:
    catalogue = load_catalogue()
    events = load_life_events()
    assert set(events) == set(LifeEvent)
    for event in events.values():
        assert problems(event, catalogue) == [], event.code


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["checklist"][0].pop("source"), "register_address: no source"),
        (lambda d: d["checklist"][1].pop("checked"), "huurtoeslag: no checked date"),
        (
            lambda d: d["checklist"][1].update(source="Awir; http://www.toeslagen.nl"),
            "names a http:// address, not https",
        ),
    ],
)
def test_a_checklist_item_without_its_source_or_checked_date_is_refused(
    edit: Any, expected: str
) -> None:
    found = broken(edit)
    assert any(expected in p for p in found), found


def test_items_checked_more_than_a_year_ago_are_listed_for_review() -> None:
    sample = content()  # both items checked on 2026-12-01
    assert stale(sample, date(2027, 12, 1)) == []
    listed = stale(sample, date(2027, 12, 2))
    assert [p.split(": ")[1] for p in listed] == [
        "checklist register_address",
        "checklist huurtoeslag",
    ]


def test_a_triage_rule_without_its_source_is_refused_and_old_ones_are_listed() -> None:
    shipped = load_triage()
    assert triage_problems(shipped, {r.code for r in load_catalogue().risks}) == []
    rules = [r.model_dump(by_alias=True) for r in shipped.rules]
    rules[0].pop("source")
    rules[1]["checked"] = date(2020, 1, 1)
    edited = TriageContent.model_validate({**shipped.model_dump(by_alias=True), "rules": rules})
    found = triage_problems(edited, {r.code for r in load_catalogue().risks})
    assert found == [
        f"triage rule {rules[0]['id']}: no source (the agency's page or the article of law)"
    ]
    assert stale_triage_rules(edited, date(2026, 12, 6)) == [
        f"triage rule {rules[1]['id']}: checked 2020-01-01, more than a year ago"
    ]


def test_every_shipped_checklist_item_names_its_source_and_checked_date() -> None:
    for event in load_life_events().values():
        for item in event.checklist:
            assert item.source and item.checked, (event.code, item.id)


def test_no_dossier_is_shared_with_a_landlord_or_other_party_that_is_not_a_public_body() -> None:
    from pydantic import ValidationError

    from voorportaal_intake.entrypoints.http.schemas import ContactIn

    for party in ("verhuurder", "werkgever", "pensioenfonds"):
        with pytest.raises(ValidationError) as refused:
            ContactIn.model_validate(
                {"channels": ["email"], "email": "a@example.org", "share_with": [party]}
            )
        assert refused.value.errors()[0]["loc"] == ("share_with",)
        assert party in str(refused.value)
    ContactIn.model_validate(
        {"channels": ["email"], "email": "a@example.org", "share_with": ["uwv"]}
    )
