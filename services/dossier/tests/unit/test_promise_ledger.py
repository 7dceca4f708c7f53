"""The promise ledger: recording, keeping, breaking once, and what is due."""

from __future__ import annotations

import pytest
from dossier_factories import CASE, at

from voorportaal_dossier.domain import promises as ledger
from voorportaal_dossier.domain.errors import InvalidInput, InvalidTransition
from voorportaal_dossier.domain.promises import MadeBy, Promise, PromiseStatus


def promise(promise_id: str = "p-1", due_days: int = 1, kind: MadeBy = MadeBy.AGENCY) -> Promise:
    made, _ = ledger.record(
        CASE,
        promise_id,
        made_by_kind=kind,
        made_by="uwv",
        what="UWV belt u terug",
        due_at=at(days=due_days),
        recorded_at=at(0),
    )
    return made


def test_recording_a_promise_gives_an_open_entry_and_the_contract_event() -> None:
    made, event = ledger.record(
        CASE,
        "p-1",
        made_by_kind=MadeBy.AGENCY,
        made_by="uwv",
        what=" UWV belt u terug ",
        due_at=at(days=1),
        recorded_at=at(0),
        referral_id="ref-uwv",
    )
    assert made.status is PromiseStatus.OPEN
    assert made.what == "UWV belt u terug"
    assert (event.promise_id, event.made_by, event.due_at, event.referral_id) == (
        "p-1",
        "uwv",
        at(days=1),
        "ref-uwv",
    )
    assert "belt" not in event.model_dump_json()  # the text stays in the dossier


def test_a_citizen_term_is_recorded_as_made_by_the_citizen() -> None:
    made = promise(kind=MadeBy.CITIZEN)
    assert made.made_by == "citizen"


@pytest.mark.parametrize(
    ("what", "due", "field"),
    [("", at(days=1), "what"), ("x" * 501, at(days=1), "what"), ("bellen", at(0), "due_at")],
)
def test_a_promise_needs_words_and_a_future_due_date(what: str, due: object, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        ledger.record(
            CASE,
            "p",
            made_by_kind=MadeBy.CASEMANAGER,
            made_by="cm-anna",
            what=what,
            due_at=due,  # type: ignore[arg-type]
            recorded_at=at(0),
        )
    assert refused.value.field == field


def test_only_open_promises_past_their_due_date_are_due_for_breaking() -> None:
    late = promise("late", due_days=1)
    later = promise("later", due_days=3)
    kept, _ = ledger.fulfil(CASE, promise("kept", due_days=1), at=at(60))
    due = ledger.due_for_breaking([later, kept, late], at(days=2))
    assert [p.promise_id for p in due] == ["late"]
    assert ledger.due_for_breaking([late], at(days=1)) == []  # due exactly now: not yet passed


def test_a_promise_is_broken_once_however_often_the_job_runs() -> None:
    first, events = ledger.break_overdue(CASE, [promise()], at(days=2))
    assert [e.promise_id for e in events] == ["p-1"]
    assert first[0].status is PromiseStatus.BROKEN
    again, more = ledger.break_overdue(CASE, first, at(days=3))
    assert more == []
    assert again == first
    unchanged, event = ledger.mark_broken(CASE, first[0], at=at(days=4))
    assert event is None
    assert unchanged == first[0]


def test_a_fulfilled_promise_cannot_be_broken_nor_fulfilled_again() -> None:
    kept, event = ledger.fulfil(CASE, promise(), at=at(60))
    assert kept.status is PromiseStatus.FULFILLED
    assert not event.late
    with pytest.raises(InvalidTransition):
        ledger.mark_broken(CASE, kept, at=at(days=2))
    with pytest.raises(InvalidTransition):
        ledger.fulfil(CASE, kept, at=at(61))


def test_a_promise_not_yet_due_cannot_be_broken() -> None:
    with pytest.raises(InvalidTransition):
        ledger.mark_broken(CASE, promise(due_days=3), at=at(days=1))


def test_keeping_a_broken_promise_late_stays_broken_but_shows_when_it_was_kept() -> None:
    (broken,), _ = ledger.break_overdue(CASE, [promise()], at(days=2))
    kept, event = ledger.fulfil(CASE, broken, at=at(days=3))
    assert kept.status is PromiseStatus.BROKEN
    assert kept.fulfilled_at == at(days=3)
    assert event.late
