"""Reminders before a checklist deadline (issue 15, item 4): the schedule's rules (pure), and
the service on SQLite with a test clock sending through the real local SMTP server: once, on
the right working day, deferred by quiet hours, bundled per case, in the case's language,
saying how many and by when but never what."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from notify_factories import CASE, MONDAY, contact_points
from notify_harness import SUPERVISOR, WINDOW, NotifyFactory, mail_text
from sqlalchemy import func, select

from voorportaal.devservers import read_sent_emails
from voorportaal_contracts.citizen_links import verify_link_token
from voorportaal_contracts.events import (
    CaseAnonymised,
    ChecklistEntry,
    ChecklistIssued,
    ChecklistItemDone,
    ChecklistItemOverdue,
)
from voorportaal_contracts.events.checklist import Texts
from voorportaal_notify.adapters.orm import checklist_reminders, pending_updates
from voorportaal_notify.adapters.repositories import Repositories
from voorportaal_notify.adapters.repositories.reminders import ReminderChanged
from voorportaal_notify.domain.reminders import (
    DropReason,
    IssuedItem,
    ItemReminder,
    ReminderStatus,
    ReminderTiming,
    due_batch,
    on_issued,
    on_item_done,
    on_overdue,
)

TIMING = ReminderTiming()
FRIDAY_11 = date(2026, 12, 11)
"""A deadline: Friday 11 December 2026; its reminder is due Tuesday 8 December, 09:00."""
MONDAY_14 = date(2026, 12, 14)
"""Another: Monday 14 December 2026; its reminder is due Wednesday 9 December, 09:00."""
TUESDAY_8_NINE = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
"""09:00 in Amsterdam (CET, UTC+1) on Tuesday 8 December 2026."""
INTAKE = "in-0001"
SECRET_TITLE = "Huurtoeslag stopzetten"
"""An item title that tells a reader of the phone's lock screen about a life: never sent."""


# --- the schedule's rules (pure) -------------------------------------------------------------


def test_a_reminder_is_due_three_working_days_before_the_deadline_at_nine_local_time() -> None:
    assert TIMING.remind_at(FRIDAY_11) == TUESDAY_8_NINE
    # Over a weekend: Monday 14 December → Wednesday 9 December.
    assert TIMING.remind_on(MONDAY_14) == date(2026, 12, 9)
    # Over Christmas (25 and 26 December are holidays): Tuesday 29 → Wednesday 23 December.
    assert TIMING.remind_on(date(2026, 12, 29)) == date(2026, 12, 23)
    # Summer time: 09:00 in Amsterdam is 07:00 UTC.
    assert ReminderTiming(2, time(9)).remind_at(date(2026, 6, 5)) == datetime(
        2026, 6, 3, 7, 0, tzinfo=UTC
    )


def test_the_working_days_before_a_deadline_are_a_setting() -> None:
    assert ReminderTiming(working_days=1).remind_on(FRIDAY_11) == date(2026, 12, 10)
    with pytest.raises(ValueError, match="working_days"):
        ReminderTiming(working_days=0)


def _issued(
    items: list[tuple[str, date | None]],
    known: dict[str, ItemReminder] | None = None,
    revision: int = 1,
    at: datetime = MONDAY,
) -> dict[str, ItemReminder]:
    found = on_issued(
        CASE,
        INTAKE,
        revision,
        [IssuedItem(i, d) for i, d in items],
        at,
        known or {},
        TIMING,
    )
    return {**(known or {}), **{r.item_id: r for r in found}}


def test_each_item_with_a_deadline_gets_one_scheduled_reminder() -> None:
    found = _issued([("a", FRIDAY_11), ("b", None)])
    assert found["a"].status is ReminderStatus.SCHEDULED
    assert found["a"].remind_at == TUESDAY_8_NINE
    assert (found["b"].status, found["b"].reason) == (
        ReminderStatus.DROPPED,
        DropReason.NO_DEADLINE,
    )


def test_a_deadline_closer_than_the_lead_time_gets_no_reminder() -> None:
    # Issued on Monday 7 December at 10:00 for Wednesday 9 December: the moment (Thursday 3
    # December) had passed; the citizen has just seen the date on the list.
    late = _issued([("a", date(2026, 12, 9))], at=datetime(2026, 12, 7, 9, tzinfo=UTC))
    assert (late["a"].status, late["a"].reason) == (ReminderStatus.DROPPED, DropReason.TOO_LATE)


def test_a_ticked_off_item_gets_no_reminder_and_unticking_brings_it_back_while_ahead() -> None:
    found = _issued([("a", FRIDAY_11)])
    done = on_item_done(found["a"], True, MONDAY)
    assert (done.status, done.reason, done.done) == (
        ReminderStatus.DROPPED,
        DropReason.DONE,
        True,
    )
    assert on_item_done(done, False, MONDAY).status is ReminderStatus.SCHEDULED
    # Unticked after its moment: no reminder on the spot.
    assert on_item_done(done, False, TUESDAY_8_NINE).status is ReminderStatus.DROPPED


def test_a_newer_revision_keeps_redates_and_drops_reminders() -> None:
    first = _issued([("keep", FRIDAY_11), ("move", FRIDAY_11), ("gone", FRIDAY_11)])
    first["keep"] = on_item_done(first["keep"], True, MONDAY)
    second = _issued([("keep", FRIDAY_11), ("move", MONDAY_14)], known=first, revision=2)
    assert second["keep"].done and second["keep"].status is ReminderStatus.DROPPED
    assert second["move"].status is ReminderStatus.SCHEDULED
    assert second["move"].remind_at is not None
    assert second["move"].remind_at.date() == date(2026, 12, 9)
    assert (second["gone"].status, second["gone"].reason) == (
        ReminderStatus.DROPPED,
        DropReason.REPLACED,
    )
    assert {r.revision for r in second.values()} == {2}


def test_an_older_revision_after_a_newer_one_changes_nothing() -> None:
    newer = _issued([("a", MONDAY_14)], revision=3)
    assert on_issued(CASE, INTAKE, 2, [IssuedItem("a", FRIDAY_11)], MONDAY, newer, TIMING) == []


def test_an_overdue_item_drops_the_reminder_still_waiting_for_that_date() -> None:
    waiting = _issued([("a", FRIDAY_11)])["a"]
    assert on_overdue(waiting, FRIDAY_11).reason is DropReason.OVERDUE
    assert on_overdue(waiting, MONDAY_14) == waiting  # another date: not this reminder


def test_reminders_of_one_case_due_together_are_one_batch_naming_count_and_earliest_date() -> None:
    sunday = date(2026, 12, 13)
    found = _issued([("b", sunday), ("c", MONDAY_14)])
    # Sunday 13 and Monday 14 December: three working days before both is Wednesday 9.
    wednesday = TUESDAY_8_NINE + timedelta(days=1)
    batch = due_batch(CASE, found.values(), wednesday)
    assert {r.item_id for r in batch.reminders} == {"b", "c"}
    assert (batch.count, batch.earliest) == (2, sunday)
    again = due_batch(CASE, reversed(list(found.values())), wednesday + timedelta(hours=1))
    assert again.update_id == batch.update_id
    assert due_batch(CASE, found.values(), wednesday - timedelta(seconds=1)).count == 0


def test_a_reminder_found_after_its_deadline_passed_is_stale_not_sent() -> None:
    found = _issued([("a", FRIDAY_11)])
    batch = due_batch(CASE, found.values(), datetime(2026, 12, 12, 9, tzinfo=UTC))
    assert batch.count == 0 and [r.item_id for r in batch.stale] == ["a"]


EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.integers(1, 4), st.sampled_from([FRIDAY_11, MONDAY_14])),
        st.tuples(st.just("done"), st.booleans(), st.integers(0, 10)),
        st.tuples(st.just("overdue"), st.sampled_from([FRIDAY_11, MONDAY_14]), st.just(0)),
    ),
    max_size=12,
)


@given(history=EVENTS)
def test_no_history_leaves_a_ticked_off_item_scheduled(history: list[tuple[Any, ...]]) -> None:
    known: dict[str, ItemReminder] = {}
    for kind, first, second in history:
        if kind == "issue":
            known = _issued([("a", second)], known=known, revision=first)
        elif "a" in known and kind == "done":
            known["a"] = on_item_done(known["a"], first, MONDAY + timedelta(days=second))
        elif "a" in known:
            known["a"] = on_overdue(known["a"], first)
        if "a" in known and known["a"].done:
            assert known["a"].status is not ReminderStatus.SCHEDULED


# --- the service (SQLite, test clock, the real local SMTP server) -----------------------------


def _entry(item_id: str, due_on: date | None) -> ChecklistEntry:
    return ChecklistEntry(
        item_id=item_id,
        agency="toeslagen",
        agency_name=Texts(nl="Dienst Toeslagen", en="Benefits Agency"),
        life_events=["moving_rented_home"],
        title=Texts(nl=SECRET_TITLE, en="Stop the housing benefit"),
        due_on=due_on,
    )


def checklist(
    items: list[tuple[str, date | None]], revision: int = 1, at: datetime = MONDAY
) -> ChecklistIssued:
    """The intake issued the case's checklist (Turkish, as the contact points say)."""
    return ChecklistIssued(
        case_id=CASE,
        intake_id=INTAKE,
        revision=revision,
        language="tr",
        items=[_entry(i, d) for i, d in items],
        issued_at=at,
    )


def ticked(item_id: str, done: bool = True, at: datetime = MONDAY) -> ChecklistItemDone:
    return ChecklistItemDone(
        case_id=CASE, intake_id=INTAKE, item_id=item_id, done=done, by_role="citizen", at=at
    )


async def _count(notify: Any, table: Any) -> int:
    async with notify.runtime.sessions() as session:
        found = await session.scalar(select(func.count()).select_from(table))
    return int(found or 0)


async def _to(notify: Any, moment: datetime) -> None:
    notify.clock.advance(moment - notify.clock.now())
    await notify.worker.run_once()


async def _window_from(notify: Any, moment: datetime) -> None:
    """A worker round at `moment` (a reminder due by then is queued) and one when the bundling
    window that started then has passed."""
    await _to(notify, moment)
    await _to(notify, moment + WINDOW)


async def _with_checklist(
    make_notify: NotifyFactory, items: list[tuple[str, date | None]], **settings: Any
) -> Any:
    """Notify (with `settings`) knowing the citizen's address and the checklist of `items`."""
    notify = await make_notify(**settings)
    await notify.handle(contact_points())
    await notify.handle(checklist(items))
    return notify


async def _assert_nothing_sent_by_the_window(notify: Any) -> None:
    """Nothing is sent by the day the reminders are due, nor when its bundling window ends."""
    await _window_from(notify, TUESDAY_8_NINE)
    assert read_sent_emails(notify.store) == []


async def test_a_deadline_sends_one_reminder_on_the_right_day_saying_only_how_many_and_when(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11), ("b", FRIDAY_11), ("c", None)])
    await _to(notify, TUESDAY_8_NINE - timedelta(days=1))
    await _to(notify, TUESDAY_8_NINE - timedelta(seconds=1))
    assert await _count(notify, pending_updates) == 0, "nothing before the day and hour"
    await _to(notify, TUESDAY_8_NINE)
    assert read_sent_emails(notify.store) == [], "a normal update waits in the bundling window"
    await _to(notify, TUESDAY_8_NINE + WINDOW)
    mail, plain, html = mail_text(notify.store)
    assert mail["Subject"] == "Hatırlatma: görev listenizde hâlâ yapılacak bir şey var"
    assert "Halletmeniz gereken 2 iş var. Son tarih: 11 Aralık 2026." in plain
    for text in (plain, html, mail["Subject"]):
        assert SECRET_TITLE not in text and "Huurtoeslag" not in text and "Toeslagen" not in text
    link = next(w for w in plain.split() if w.startswith("http://127.0.0.1:3001/l/"))
    claims = verify_link_token(
        notify.settings.link_key.get_secret_value().encode(),
        link.rsplit("/", 1)[-1],
        now=notify.clock.now(),
    )
    assert (claims.case_id, claims.page) == (CASE, "checklist")
    # Replayed events, later rounds and a restarted service: still the one message.
    await notify.handle(checklist([("a", FRIDAY_11), ("b", FRIDAY_11), ("c", None)]))
    restarted = await make_notify(start=notify.clock.now())
    for _ in range(3):
        await notify.run(timedelta(hours=1))
        await restarted.run(timedelta(hours=1))
    assert len(read_sent_emails(notify.store)) == 1


async def test_quiet_hours_defer_a_reminder_until_they_end(make_notify: NotifyFactory) -> None:
    notify = await make_notify()
    await notify.handle(contact_points(quiet_from=time(8), quiet_until=time(11)))
    await notify.handle(checklist([("a", FRIDAY_11)]))
    await _to(notify, TUESDAY_8_NINE)
    await _to(notify, TUESDAY_8_NINE + timedelta(hours=1, minutes=59))  # 10:59 in Amsterdam
    assert read_sent_emails(notify.store) == []
    await _to(notify, TUESDAY_8_NINE + timedelta(hours=2))  # 11:00: the quiet hours ended
    assert len(read_sent_emails(notify.store)) == 1


async def test_reminders_due_on_different_days_are_separate_messages(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11), ("b", MONDAY_14)])
    await _window_from(notify, TUESDAY_8_NINE)
    await _window_from(notify, TUESDAY_8_NINE + timedelta(days=1))
    assert len(read_sent_emails(notify.store)) == 2
    _, second, _ = mail_text(notify.store, 1)
    assert "Halletmeniz gereken 1 iş var. Son tarih: 14 Aralık 2026." in second


async def test_a_ticked_off_item_is_not_reminded(make_notify: NotifyFactory) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11)])
    await notify.handle(ticked("a"))
    await _assert_nothing_sent_by_the_window(notify)


async def test_an_item_ticked_off_in_the_bundling_window_leaves_the_reminder(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11), ("b", FRIDAY_11)])
    await _to(notify, TUESDAY_8_NINE)  # queued: "2 things"
    await notify.handle(ticked("a", at=notify.clock.now()))
    await _to(notify, TUESDAY_8_NINE + WINDOW)
    _, plain, _ = mail_text(notify.store)
    assert "Halletmeniz gereken 1 iş var." in plain


async def test_a_reminder_whose_items_were_all_ticked_off_in_the_window_is_not_sent(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11)])
    await _to(notify, TUESDAY_8_NINE)
    await notify.handle(ticked("a", at=notify.clock.now()))
    await _assert_nothing_sent_by_the_window(notify)
    assert await _count(notify, pending_updates) == 0


async def test_a_newer_revision_without_the_item_cancels_its_reminder(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11)])
    await notify.handle(checklist([("b", None)], revision=2))
    await _assert_nothing_sent_by_the_window(notify)


async def test_an_overdue_event_cancels_a_reminder_still_waiting(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11)])
    overdue = ChecklistItemOverdue(
        case_id=CASE, intake_id=INTAKE, item_id="a", due_on=FRIDAY_11, at=MONDAY
    )
    await notify.handle(overdue)
    await _assert_nothing_sent_by_the_window(notify)


async def test_the_reminder_counts_against_the_rate_limit_and_in_the_meter(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(
        make_notify,
        [("a", FRIDAY_11), ("b", MONDAY_14)],
        rate_limit_messages=1,
        rate_limit_window_s=2 * 86400,
    )
    await _window_from(notify, TUESDAY_8_NINE)
    await _window_from(notify, TUESDAY_8_NINE + timedelta(days=1))
    assert len(read_sent_emails(notify.store)) == 1, "one per two days: the second waits"
    await _to(notify, TUESDAY_8_NINE + timedelta(days=2) + WINDOW)
    assert len(read_sent_emails(notify.store)) == 2
    load = await notify.service.contact_load(CASE, SUPERVISOR)
    assert (load.messages_7d, load.actions_7d) == (2, 2)


async def test_an_erased_case_forgets_its_reminders(make_notify: NotifyFactory) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11)])
    assert await _count(notify, checklist_reminders) == 1
    await notify.handle(CaseAnonymised(case_id=CASE, anonymised_at=MONDAY))
    assert await _count(notify, checklist_reminders) == 0
    await _assert_nothing_sent_by_the_window(notify)


async def test_a_tick_off_that_read_the_reminder_before_the_worker_queued_it_is_retried(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11), ("b", FRIDAY_11)])
    async with notify.runtime.sessions() as session:
        stale = await Repositories(session).reminders.of_intake(CASE, INTAKE)
    await _to(notify, TUESDAY_8_NINE)  # the worker queues both meanwhile
    done = on_item_done(stale["a"], True, TUESDAY_8_NINE)
    with pytest.raises(ReminderChanged):
        async with notify.runtime.sessions.begin() as session:
            await Repositories(session).reminders.save([done], stale, TUESDAY_8_NINE)
    # The kit retries the event; read afresh, it takes the item out of the waiting message.
    await notify.handle(ticked("a", at=TUESDAY_8_NINE))
    await _to(notify, TUESDAY_8_NINE + WINDOW)
    _, plain, _ = mail_text(notify.store)
    assert "Halletmeniz gereken 1 iş var." in plain


def test_a_queued_item_gone_from_a_newer_revision_leaves_its_update() -> None:
    first = _issued([("a", FRIDAY_11)])
    queued = {"a": replace(first["a"], status=ReminderStatus.QUEUED, update_id="ck-1")}
    second = _issued([("b", None)], known=queued, revision=2)
    assert (second["a"].status, second["a"].reason) == (
        ReminderStatus.DROPPED,
        DropReason.REPLACED,
    )


async def test_ticking_off_the_earliest_in_the_window_leaves_the_later_date(
    make_notify: NotifyFactory,
) -> None:
    notify = await make_notify()
    await notify.handle(contact_points())
    # Sunday 13 and Monday 14 December: both reminded on Wednesday 9 December.
    await notify.handle(checklist([("sun", date(2026, 12, 13)), ("mon", MONDAY_14)]))
    wednesday = TUESDAY_8_NINE + timedelta(days=1)
    await _to(notify, wednesday)
    await notify.handle(ticked("sun", at=wednesday))
    await _to(notify, wednesday + WINDOW)
    _, plain, _ = mail_text(notify.store)
    assert "Halletmeniz gereken 1 iş var. Son tarih: 14 Aralık 2026." in plain


async def test_a_newer_revision_in_the_window_without_the_items_withdraws_the_reminder(
    make_notify: NotifyFactory,
) -> None:
    notify = await _with_checklist(make_notify, [("a", FRIDAY_11)])
    await _to(notify, TUESDAY_8_NINE)
    await notify.handle(checklist([("b", None)], revision=2, at=TUESDAY_8_NINE))
    await _assert_nothing_sent_by_the_window(notify)


async def test_a_checklist_read_after_the_case_was_erased_schedules_nothing(
    make_notify: NotifyFactory,
) -> None:
    notify = await make_notify()
    await notify.handle(CaseAnonymised(case_id=CASE, anonymised_at=MONDAY))
    await notify.handle(checklist([("a", FRIDAY_11)]))
    assert await _count(notify, checklist_reminders) == 0
