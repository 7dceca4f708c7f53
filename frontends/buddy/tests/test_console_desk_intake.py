"""Intake at the desk and on the phone, below the page: the forms' values as the intake takes
them, and the console's intake client against the real intake service (SQLite, the broker at
a closed port: the outbox shows what would go to Kafka), signed with the console's own key."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from console_harness import staff_headers
from desk_harness import ServiceProcess

from buddy.desk_api import IntakeClient, Rejected, _rejected
from buddy.desk_form import (
    SHARE_AGENCIES,
    FormProblem,
    answer_value,
    citizen_body,
    contact_body,
    life_events_of,
)
from buddy.i18n import EN, NL
from voorportaal_contracts.api.intake import IntakeOut
from voorportaal_intake.adapters.content_files import load_catalogue
from voorportaal_intake.demo import sample_answer


def test_each_question_type_takes_its_answer_from_the_form() -> None:
    assert answer_value("yes_no", {"value": "yes"}) is True
    assert answer_value("yes_no", {"value": "no"}) is False
    assert answer_value("single", {"value": "rent"}) == "rent"
    assert answer_value("multi", {"m__a": "on", "m__c": "on", "value": "x"}) == ["a", "c"]
    assert answer_value("multi", {}) == []
    assert answer_value("date", {"value": "2026-11-30"}) == "2026-11-30"
    assert answer_value("number", {"value": "1250"}) == 1250
    assert answer_value("number", {"value": "2,5"}) == 2.5
    assert answer_value("postcode", {"value": " 1234 ab "}) == "1234 ab"
    assert answer_value("text", {"value": "  mijn verhaal "}) == "mijn verhaal"
    assert answer_value("text", {"value": "   "}) is None


@pytest.mark.parametrize(
    ("kind", "raw", "key"),
    [
        ("number", "veel", "desk_err_number"),
        ("date", "30-11-2026", "desk_err_date"),
        ("yes_no", "misschien", "desk_err_choose"),
    ],
)
def test_a_value_that_cannot_be_its_type_is_named_next_to_the_field(
    kind: str, raw: str, key: str
) -> None:
    with pytest.raises(FormProblem) as caught:
        answer_value(kind, {"value": raw})
    assert caught.value.field == "value" and caught.value.key == key
    assert NL[key] and EN[key]


def test_the_contact_and_citizen_steps_send_only_what_was_filled_in() -> None:
    form = {
        "ch__email": "on",
        "email": " a@example.org ",
        "phone": "",
        "language": "tr",
        "sh__uwv": "on",
        "sh__nobody": "on",
        "le__divorce": "on",
    }
    assert contact_body(form) == {
        "channels": ["email"],
        "language": "tr",
        "share_with": ["uwv"],
        "email": "a@example.org",
    }
    assert citizen_body({"name": " J. Jansen ", "bsn": "", "postcode": "1011AB"}) == {
        "name": "J. Jansen",
        "postcode": "1011AB",
    }
    assert life_events_of({"le__divorce": "on", "le__turning_18": "on", "x": "on"}) == [
        "divorce",
        "turning_18",
    ]


def test_the_agencies_offered_for_sharing_are_the_intakes_public_agencies() -> None:
    public = {a.code for a in load_catalogue().agencies if a.public}
    assert set(SHARE_AGENCIES) == public


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    server = ServiceProcess("intake", tmp_path_factory.mktemp("desk-intake"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _client(intake: ServiceProcess, subject: str = "cm-anna") -> IntakeClient:
    token = staff_headers(subject)["Authorization"].removeprefix("Bearer ")
    return IntakeClient(intake.url, token)


def _outbox(intake: ServiceProcess, case_id: str) -> list[tuple[str, dict[str, Any]]]:
    with sqlite3.connect(intake.data_dir / "intake.db") as db:
        rows = db.execute(
            "SELECT event_type, value FROM outbox WHERE message_key = ? ORDER BY id", (case_id,)
        ).fetchall()
    return [(kind, json.loads(value)) for kind, value in rows if value is not None]


def _code(intake: ServiceProcess, case_id: str) -> str:
    """The one-time code the intake sent last for this case (from its outbox)."""
    codes = [
        str(body["code"])
        for kind, body in _outbox(intake, case_id)
        if kind == "nl.voorportaal.contact.verification-requested"
    ]
    return codes[-1]


async def _walk(client: IntakeClient, state: IntakeOut) -> IntakeOut:
    while state.next is not None:
        question = state.next.question.model_dump(mode="json")
        state = await client.answer(
            state.id, state.next.step, state.next.question.id, sample_answer(question)
        )
    return state


async def test_a_desk_intake_records_the_channel_and_the_casemanagers_role(
    intake: ServiceProcess,
) -> None:
    client = _client(intake)
    state = await client.start(["income_loss"], "desk")
    assert state.channel == "desk" and state.next is not None
    first = state.next.question.id
    answered = await client.answer(
        state.id, state.next.step, first, sample_answer(state.next.question.model_dump())
    )
    assert answered.answered == 1
    again = await client.back(state.id)
    assert again.next is not None and again.next.question.id == first and again.answered == 0
    done = await _walk(client, again)
    await client.contact(
        done.id, {"channels": ["email"], "email": "j@example.org", "share_with": ["uwv"]}
    )
    # The citizen reads out the code they got: the address is confirmed before submitting.
    with pytest.raises(Rejected):
        await client.verify(done.id, "000000" if _code(intake, done.case_id) != "000000" else "1")
    confirmed = await client.verify(done.id, _code(intake, done.case_id))
    assert [c.value for c in confirmed.verified] == ["email"]
    await client.citizen(done.id, {"name": "J. Jansen", "postcode": "1011 AB"})
    submitted = await client.submit(done.id)
    assert submitted.status == "submitted" and not submitted.awaiting_confirmation
    assert submitted.result is not None and submitted.result.checklist
    facts = dict(_outbox(intake, submitted.case_id))
    fact = facts["nl.voorportaal.intake.submitted"]
    assert fact["channel"] == "desk" and fact["started_by_role"] == "casemanager"
    # The checklist and link go out by the address of the contact step (notify reads it).
    points = facts["nl.voorportaal.contact.points-updated"]
    assert points["email"] == "j@example.org" and points["verified"] == ["email"]
    grant = facts["nl.voorportaal.case.consent-granted"]
    assert (grant["agency_code"], grant["granted_by"]) == ("uwv", "casemanager")


async def test_a_phone_intake_is_recorded_as_taken_by_phone(intake: ServiceProcess) -> None:
    state = await _client(intake).start(["divorce"], "phone")
    assert state.channel == "phone"
    again = await _client(intake).get(state.id)
    assert again.channel == "phone" and again.next is not None


async def test_the_intakes_reasons_come_back_per_field_in_dutch_and_english(
    intake: ServiceProcess,
) -> None:
    client = _client(intake)
    state = await _walk(client, await client.start(["turning_18"], "desk"))
    with pytest.raises(Rejected) as bad_email:
        await client.contact(state.id, {"channels": ["email"], "email": "not-an-address"})
    assert "email" in bad_email.value.fields
    with pytest.raises(Rejected) as bad_bsn:
        await client.citizen(state.id, {"bsn": "123456789"})
    reason = bad_bsn.value.fields["bsn"]
    assert "BSN" in reason.nl and "elfproef" in reason.nl and "11-proof" in reason.en


async def test_a_colleague_cannot_continue_someone_elses_desk_intake(
    intake: ServiceProcess,
) -> None:
    from buddy.api import Refused

    state = await _client(intake, "cm-anna").start(["divorce"], "desk")
    with pytest.raises((Refused, Rejected)):
        await _client(intake, "cm-chantal").get(state.id)


def test_a_problem_the_intake_says_in_dutch_too_keeps_both() -> None:
    said = _rejected(
        httpx.Response(
            429,
            json={
                "detail": "Too many intakes were started from here; try again later.",
                "detail_nl": "Vanaf hier zijn te veel aanmeldingen gestart.",
            },
        )
    )
    assert said.detail == "Too many intakes were started from here; try again later."
    assert said.detail_nl == "Vanaf hier zijn te veel aanmeldingen gestart."
    assert _rejected(httpx.Response(409, json={"detail": "conflict"})).detail_nl == ""
