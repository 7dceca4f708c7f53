"""Retention: closing, which cases are due, and what anonymisation keeps and strips."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from dossier_factories import BSN, CASE, NAME, OTHER_CASE, at, case_from, principal, story

from voorportaal_dossier.domain import retention
from voorportaal_dossier.domain.errors import Conflict, NotAllowed
from voorportaal_dossier.domain.projection import CaseState, dump_case

PERIOD = timedelta(days=365)
ANNA = principal("cm-anna", "casemanager")


def closed(case_id: str, days: int) -> CaseState:
    return replace(CaseState.new(case_id), closed_at=at(days=days))


def test_only_closed_cases_past_their_period_are_due() -> None:
    cases = [
        closed(CASE, 0),
        closed(OTHER_CASE, 100),
        CaseState.new("case-open1"),
        replace(closed("case-done1", 0), anonymised_at=at(days=400)),
    ]
    assert retention.due_for_anonymisation(cases, at(days=365), PERIOD) == [CASE]
    assert retention.due_for_anonymisation(cases, at(days=364), PERIOD) == []


def test_the_period_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        retention.is_due(closed(CASE, 0), at(0), timedelta(0))


def test_anonymising_strips_personal_data_but_keeps_ids_and_dates() -> None:
    case = replace(case_from(*story()), closed_at=at(days=1))
    anonymous = retention.anonymise(case, at=at(days=400))
    stored = dump_case(anonymous).decode()
    for personal in (BSN, NAME, "fatima@example.nl", "+31612345678", "3511AB", "1980-05-17"):
        assert personal not in stored
    assert "Anna de Vries" not in stored
    assert "WW toegekend" not in stored
    assert anonymous.needs == ()
    assert anonymous.risks == ()
    assert anonymous.case_id == CASE
    assert anonymous.closed_at == at(days=1)
    assert anonymous.anonymised_at == at(days=400)
    assert [r.referral_id for r in anonymous.referrals] == [r.referral_id for r in case.referrals]
    assert [r.status for r in anonymous.referrals] == [r.status for r in case.referrals]
    assert anonymous.timeline == case.timeline
    assert anonymous.ownership.owner is not None
    assert anonymous.ownership.owner.id == "cm-anna"
    assert anonymous.citizen is not None
    assert anonymous.citizen.identified_at == case.citizen.identified_at  # type: ignore[union-attr]
    assert retention.anonymise(anonymous, at=at(days=500)) is anonymous


def test_the_retention_job_only_anonymises_due_cases() -> None:
    with pytest.raises(Conflict):
        retention.anonymisation_event(closed(CASE, 0), at=at(days=10), period=PERIOD)
    event = retention.anonymisation_event(closed(CASE, 0), at=at(days=366), period=PERIOD)
    assert event.subject() == CASE


def test_the_owner_closes_and_reopens_a_case() -> None:
    case = case_from(*story())
    event = retention.close_case(case, ANNA, at=at(days=2))
    assert (event.case_id, event.closed_by) == (CASE, "cm-anna")
    with pytest.raises(Conflict):
        retention.close_case(replace(case, closed_at=at(days=2)), ANNA, at=at(days=3))
    reopened = retention.reopen_case(replace(case, closed_at=at(days=2)), ANNA, at=at(days=3))
    assert reopened.reopened_by == "cm-anna"


def test_an_anonymised_case_cannot_be_reopened_and_strangers_cannot_close() -> None:
    case = case_from(*story())
    with pytest.raises(NotAllowed):
        retention.close_case(case, principal("cm-x", "casemanager"), at=at(days=2))
    gone = replace(case, closed_at=at(1), anonymised_at=at(days=400))
    with pytest.raises(Conflict):
        retention.reopen_case(gone, ANNA, at=at(days=401))
