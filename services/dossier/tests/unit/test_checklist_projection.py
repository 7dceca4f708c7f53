"""The dossier keeps the checklist+ and the wishes to talk to a person: the newest revision
replaces the list while the done marks stay by item id, facts fold in any order (also before
`IntakeSubmitted`), replays change nothing, and taking the case answers a wish."""

from __future__ import annotations

import itertools
from datetime import date

from dossier_factories import (
    CASE,
    at,
    buddy_assigned,
    case_from,
    checklist_entry,
    checklist_issued,
    env,
    intake_submitted,
    item_done,
    item_overdue,
    person_requested,
    texts,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from voorportaal_contracts.events import ContactRecorded
from voorportaal_contracts.types import Channel
from voorportaal_dossier.domain import ownership as own
from voorportaal_dossier.domain.checklist import PERSON_REQUESTED_RULE, open_wish
from voorportaal_dossier.domain.projection import apply, apply_all

TWO_ITEMS = [
    checklist_entry("uwv-ww"),
    checklist_entry(
        "gemeente-bijstand",
        agency="gemeente",
        title=texts("Bijstand aanvragen", "Apply for social assistance"),
        due_on=None,
    ),
]


def test_newest_revision_replaces_the_list_and_done_marks_stay_by_item_id() -> None:
    case = case_from(
        env(checklist_issued(items=TWO_ITEMS), time=at(1)),
        env(item_done(item_id="uwv-ww"), time=at(30)),
        env(
            checklist_issued(revision=2, items=[TWO_ITEMS[0], checklist_entry("toeslagen-zt")]),
            time=at(40),
        ),
    )
    assert [i.item_id for i in case.checklist.items] == ["uwv-ww", "toeslagen-zt"]
    assert case.checklist.revision == 2
    assert case.checklist.item_done("uwv-ww")
    assert not case.checklist.item_done("toeslagen-zt")
    assert case.checklist.still_to_do() == 1


def test_an_older_revision_arriving_late_changes_nothing() -> None:
    case = case_from(
        env(checklist_issued(revision=2, items=TWO_ITEMS[:1]), time=at(2)),
        env(checklist_issued(revision=1, items=TWO_ITEMS), time=at(1)),
    )
    assert case.checklist.revision == 2
    assert [i.item_id for i in case.checklist.items] == ["uwv-ww"]


def test_a_done_mark_before_its_checklist_counts_once_the_checklist_arrives() -> None:
    case = case_from(
        env(item_done(item_id="uwv-ww"), time=at(30)),
        env(checklist_issued(items=TWO_ITEMS), time=at(1)),
    )
    assert case.checklist.item_done("uwv-ww")
    assert case.checklist.still_to_do() == 1


def test_the_newest_tick_wins_whatever_order_the_ticks_arrive_in() -> None:
    done = env(item_done(minutes=30), time=at(30))
    undone = env(item_done(done=False, minutes=50), time=at(50))
    for order in ([done, undone], [undone, done]):
        case = case_from(env(checklist_issued(), time=at(1)), *order)
        assert not case.checklist.item_done("uwv-ww")


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(5)))
def test_checklist_facts_fold_in_any_order_relative_to_intake_submitted(
    order: list[int],
) -> None:
    events = [
        env(intake_submitted(), time=at(0)),
        env(checklist_issued(items=TWO_ITEMS), time=at(1)),
        env(item_done(item_id="gemeente-bijstand"), time=at(30)),
        env(item_overdue(), time=at(days=8)),
        env(person_requested(), time=at(40)),
    ]
    expected = case_from(*events)
    case = case_from(*(events[i] for i in order))
    assert case.checklist == expected.checklist
    assert case.person_requests == expected.person_requests
    assert case.intake_id == "intake-1" and case.life_events == expected.life_events
    assert case.checklist.late_count() == 1


def test_replaying_the_checklist_facts_changes_nothing() -> None:
    events = [
        env(checklist_issued(items=TWO_ITEMS), time=at(1)),
        env(item_done(), time=at(30)),
        env(item_overdue(item_id="gemeente-bijstand", due_on=date(2025, 3, 9)), time=at(99)),
        env(person_requested(), time=at(40)),
    ]
    once = apply_all(events)[CASE]
    twice = apply_all(events, {CASE: once})[CASE]
    assert twice == once
    assert len(twice.checklist.overdue) == 1 and len(twice.person_requests) == 1


def test_ticking_off_reads_in_the_timeline_with_the_item_title() -> None:
    case = case_from(
        env(checklist_issued(), time=at(1)),
        env(item_done(by_role="representative"), time=at(30)),
    )
    assert case.timeline[-1].nl == (
        "Een vertegenwoordiger van de burger heeft 'WW aanvragen' afgevinkt."
    )
    assert case.timeline[-1].en == (
        "A representative of the citizen ticked off 'Apply for unemployment benefit'."
    )


def test_an_item_is_late_when_its_current_deadline_was_reported_passed_and_not_done() -> None:
    reported = case_from(env(checklist_issued(), time=at(1)), env(item_overdue(), time=at(99)))
    item = reported.checklist.items[0]
    assert reported.checklist.item_late(item)
    assert reported.timeline[-1].en == (
        "'Apply for unemployment benefit' is late: it was due by 10 March 2025."
    )
    # A newer revision moved the deadline: the old report no longer makes it late.
    moved = apply(
        reported,
        env(
            checklist_issued(revision=2, items=[checklist_entry(due_on=date(2025, 4, 1))]),
            time=at(100),
        ),
    )
    assert not moved.checklist.item_late(moved.checklist.items[0])
    # Ticked off: not late either, and past the date it is late by the calendar alone.
    done = apply(reported, env(item_done(minutes=200), time=at(200)))
    assert not done.checklist.item_late(done.checklist.items[0])
    fresh = case_from(env(checklist_issued(), time=at(1)))
    assert fresh.checklist.item_late(fresh.checklist.items[0], today=date(2025, 3, 11))
    assert not fresh.checklist.item_late(fresh.checklist.items[0], today=date(2025, 3, 10))


def test_a_wish_puts_the_case_in_the_queue_before_the_intake_arrives() -> None:
    case = case_from(env(person_requested(), time=at(40)))
    assert case.ownership.status is own.OwnershipStatus.RECOMMENDED
    assert case.recommendation is not None
    assert [r.rule for r in case.recommendation.reasons] == [PERSON_REQUESTED_RULE]
    wish = open_wish(case.person_requests)
    assert wish is not None and wish.channel == "phone" and wish.preferred_time == "morning"
    assert case.language == "nl"


def test_taking_the_case_closes_the_wish() -> None:
    case = case_from(env(person_requested(minutes=40), time=at(40)))
    taken = apply(case, env(buddy_assigned(), time=at(90)))
    assert open_wish(taken.person_requests) is None
    assert taken.person_requests[0].closed_at == at(90)


def test_a_wish_crossing_the_claim_is_answered_and_a_later_one_stays_open() -> None:
    claimed_first = case_from(
        env(buddy_assigned(), time=at(90)),
        env(person_requested(minutes=40), time=at(40)),
    )
    assert open_wish(claimed_first.person_requests) is None
    later = apply(
        claimed_first,
        env(person_requested(request_id="wish-2", minutes=120), time=at(120)),
    )
    wish = open_wish(later.person_requests)
    assert wish is not None and wish.request_id == "wish-2"
    assert later.ownership.status is own.OwnershipStatus.OWNED  # never taken away


def test_every_permutation_of_claim_and_wish_gives_the_same_case() -> None:
    events = [env(person_requested(minutes=40), time=at(40)), env(buddy_assigned(), time=at(90))]
    cases = [case_from(*p) for p in itertools.permutations(events)]
    assert cases[0].person_requests == cases[1].person_requests


def test_a_contact_moment_after_the_wish_answers_it_on_an_owned_case() -> None:
    owned = case_from(
        env(buddy_assigned(), time=at(90)),
        env(person_requested(minutes=120), time=at(120)),
    )
    assert open_wish(owned.person_requests) is not None
    called = apply(
        owned,
        env(
            ContactRecorded(
                case_id=CASE,
                contact_id="c-1",
                channel=Channel.PHONE,
                by="cm-anna",
                recorded_at=at(150),
            ),
            time=at(150),
        ),
    )
    assert open_wish(called.person_requests) is None
    assert called.person_requests[0].closed_at == at(150)
