"""Reading and writing projected cases, and applying the dossier's own facts to them.

A case row holds the whole `CaseState` plus the columns the work queue filters on. Own facts
(`BuddyAssigned`, `PromiseRecorded` …) are folded into the case and staged in the outbox in the
same transaction; when they come back from `case.events` the reducer finds their id among the
applied ones and changes nothing.

Parsing a stored case (pydantic validating the whole JSON) costs more than folding an event
into it, so the cases this process last read or wrote are kept parsed, keyed by their stored
bytes: a row that still holds exactly those bytes is not parsed again; any other content (a
write by another process, a rolled-back write of ours) is parsed as before.

Three tricks here serve the projection throughput of `bench/dossier.py` (events per second
into PostgreSQL against a raw consume loop; issue 5's target is 25 %): the parsed-case cache
(`ParsedCases`), one locked read and one write per case per batch (`apply_incoming`), and the
batch write-back in one `unnest` statement on PostgreSQL (`_PG_WRITE_BACK`). Each says why
beside it; a change to one is measured with that benchmark before and after.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    LargeBinary,
    String,
    Text,
    bindparam,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import StaffNotificationRequested
from voorportaal_contracts.registry import Event
from voorportaal_contracts.types import Urgency
from voorportaal_dossier.adapters import staff_notice_rows
from voorportaal_dossier.adapters.orm import cases, promise_clock
from voorportaal_dossier.domain.case_state import CaseState, dump_case, load_case
from voorportaal_dossier.domain.checklist import open_wish
from voorportaal_dossier.domain.projection import project
from voorportaal_dossier.domain.promises import PromiseStatus
from voorportaal_dossier.domain.staff_notices import Notice, notices_for
from voorportaal_kit.clock import Clock
from voorportaal_kit.db import insert_new_rows
from voorportaal_kit.outbox import add_events

DOSSIER_SOURCE = "/voorportaal/dossier"
"""The CloudEvents `source` of the dossier's own facts (`DossierSettings.event_source`)."""

_URGENCY_RANK = {Urgency.ACUTE: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2}


class ParsedCases:
    """Recently read or written cases, parsed, each with the exact bytes it was stored as
    (bounded by the total size of those bytes; the least recently used go first).

    Why: parsing a stored case was the largest cost of folding an event into it, in the
    projection figure and the case read latency of `bench/dossier.py`."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._items: OrderedDict[str, tuple[bytes, CaseState]] = OrderedDict()

    def load(self, case_id: str, raw: bytes) -> CaseState:
        """The case stored as `raw`: the kept one when its bytes are these, else parsed."""
        kept = self._items.get(case_id)
        if kept is not None and kept[0] == raw:
            self._items.move_to_end(case_id)
            return kept[1]
        case = load_case(raw)
        self.keep(case_id, raw, case)
        return case

    def keep(self, case_id: str, raw: bytes, case: CaseState) -> None:
        """Remember `case` as the parse of `raw` (just written, or just read)."""
        old = self._items.pop(case_id, None)
        if old is not None:
            self._bytes -= len(old[0])
        if len(raw) > self._max_bytes // 4:
            return  # one huge case must not push out everything else
        self._items[case_id] = (raw, case)
        self._bytes += len(raw)
        while self._bytes > self._max_bytes:
            _, (gone, _) = self._items.popitem(last=False)
            self._bytes -= len(gone)


PARSED = ParsedCases(max_bytes=32 * 1024 * 1024)
"""The process's parsed cases (32 MB of stored JSON; the parsed objects take a few times
that)."""


async def load(session: AsyncSession, case_id: str, *, lock: bool = False) -> CaseState | None:
    """The case, locked for the transaction when `lock` (every change locks first)."""
    stmt = select(cases.c.state).where(cases.c.case_id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    raw = await session.scalar(stmt)
    return PARSED.load(case_id, raw) if raw is not None else None


def _columns(case: CaseState) -> dict[str, Any]:
    owner = case.ownership.owner
    broken = sum(1 for p in case.promises if p.status is PromiseStatus.BROKEN)
    wish = open_wish(case.person_requests)
    return {
        "state": dump_case(case),
        "ownership_status": case.ownership.status.value,
        "owner_id": owner.id if owner else None,
        "team": case.ownership.team,
        "urgency": case.urgency.value if case.urgency else None,
        "urgency_rank": _URGENCY_RANK.get(case.urgency, 3) if case.urgency else 3,
        "municipality_code": case.municipality_code,
        "life_events": [e.value for e in case.life_events],
        "agency_codes": sorted({r.agency_code for r in case.referrals}),
        "overdue_count": len(case.overdue_referrals) + broken,
        "closed_at": case.closed_at,
        "anonymised_at": case.anonymised_at,
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
        "checklist_todo": case.checklist.still_to_do(),
        "checklist_late": case.checklist.late_count(),
        "wish_answer_by": wish.answer_by if wish else None,
    }


async def save(
    session: AsyncSession, case: CaseState, before: CaseState | None, clock: Clock
) -> None:
    """Write the case (insert or update) and keep the promise clock in step."""
    values = _columns(case)
    if values["updated_at"] is None:
        values["updated_at"] = clock.now()
    if before is None:
        await session.execute(insert(cases).values(case_id=case.case_id, **values))
    else:
        await session.execute(update(cases).where(cases.c.case_id == case.case_id).values(values))
    PARSED.keep(case.case_id, values["state"], case)
    if before is None or before.promises != case.promises:
        await _sync_promise_clock(session, case)


async def _sync_promise_clock(session: AsyncSession, case: CaseState) -> None:
    sent = dict(
        (
            await session.execute(
                select(promise_clock.c.promise_id, promise_clock.c.due_soon_sent).where(
                    promise_clock.c.case_id == case.case_id
                )
            )
        ).all()
    )
    await session.execute(delete(promise_clock).where(promise_clock.c.case_id == case.case_id))
    rows = [
        {
            "promise_id": p.promise_id,
            "case_id": case.case_id,
            "due_at": p.due_at,
            "open": p.status is PromiseStatus.OPEN,
            "due_soon_sent": bool(sent.get(p.promise_id, False)),
        }
        for p in case.promises
        if p.status is PromiseStatus.OPEN
    ]
    if rows:
        await session.execute(insert(promise_clock), rows)


async def _insert_new(session: AsyncSession, new: Sequence[CaseState], clock: Clock) -> set[str]:
    """Insert cases that had no row (in case id order); returns the ids inserted. An id that
    another transaction inserted meanwhile is left alone (the caller folds into that row)."""
    now = clock.now()
    rows = []
    for case in new:
        values = _columns(case)
        if values["updated_at"] is None:
            values["updated_at"] = now
        rows.append({"case_id": case.case_id, **values})
    inserted = await insert_new_rows(session, cases, rows)
    for case, row in zip(new, rows, strict=True):
        if case.case_id in inserted:
            PARSED.keep(case.case_id, row["state"], case)
            if case.promises:
                await _sync_promise_clock(session, case)
    return inserted


async def _lock_all(session: AsyncSession, case_ids: Sequence[str]) -> dict[str, bytes]:
    """The stored state of each case, every row locked in case id order (one statement)."""
    stmt = (
        select(cases.c.case_id, cases.c.state)
        .where(cases.c.case_id.in_(case_ids))
        .order_by(cases.c.case_id)
        .with_for_update()
    )
    return {row.case_id: row.state for row in await session.execute(stmt)}


async def apply_incoming(
    session: AsyncSession,
    envelopes: Sequence[Envelope],
    clock: Clock,
    source: str = DOSSIER_SOURCE,
) -> int:
    """Fold consumed events (in their order per case) into their cases; returns how many
    changed something.

    Each case is locked and loaded once for the whole batch (one statement, rows locked in
    case id order, so that two consumers never wait on each other in a cycle), the events are
    folded in memory by the pure reducer, and each changed case is written back once; a case
    without a row yet is folded from empty and inserted. The locks (and the new rows) are held
    to the end of the consumer's transaction, exactly as for a single event, so a concurrent
    change of the same case over HTTP (a claim) waits for the batch or the batch waits for it.
    """
    case_ids = sorted({envelope.subject for envelope in envelopes})
    by_case: dict[str, list[Envelope]] = {case_id: [] for case_id in case_ids}
    for envelope in envelopes:
        by_case[envelope.subject].append(envelope)
    known = set(
        (await session.scalars(select(cases.c.case_id).where(cases.c.case_id.in_(case_ids)))).all()
    )
    missing = [case_id for case_id in case_ids if case_id not in known]
    changed = 0
    notices: list[Notice] = []
    if missing:
        # New cases are folded from empty and inserted whole. No row is locked yet: a batch
        # that waited here on another's insert while holding row locks could close a cycle
        # with it. A case another consumer inserted meanwhile is folded into its row below.
        fresh = {
            case_id: _fold(CaseState.new(case_id), by_case[case_id], notices) for case_id in missing
        }
        inserted = await _insert_new(session, [fresh[c][0] for c in missing], clock)
        changed += sum(fresh[c][1] for c in inserted)
        # A case another consumer inserted meanwhile is folded again below, notices and all.
        notices = [n for n in notices if n.case_id in inserted]
        known.update(c for c in missing if c not in inserted)
    existing = [case_id for case_id in case_ids if case_id in known]
    stored = await _lock_all(session, existing) if existing else {}
    changes = []
    for case_id in existing:
        before = PARSED.load(case_id, stored[case_id])
        after, n = _fold(before, by_case[case_id], notices)
        changed += n
        if after is not before:
            changes.append((after, before))
    await save_all(session, changes, clock)
    await _tell(session, notices, source, clock)
    return changed


def _fold(
    case: CaseState, envelopes: Sequence[Envelope], notices: list[Notice]
) -> tuple[CaseState, int]:
    """The case after the events (in their order), and how many of them changed it; the
    staff notices of the events that changed it are added to `notices`."""
    changed = 0
    for envelope in envelopes:
        result = project(case, envelope)
        if result.note is None:
            changed += 1
            notices.extend(notices_for(case, envelope))
            case = result.state
    return case, changed


_WRITTEN: tuple[str, ...] = (
    "state",
    "ownership_status",
    "owner_id",
    "team",
    "urgency",
    "urgency_rank",
    "municipality_code",
    "life_events",
    "agency_codes",
    "overdue_count",
    "closed_at",
    "anonymised_at",
    "opened_at",
    "updated_at",
    "checklist_todo",
    "checklist_late",
    "wish_answer_by",
)
_ARRAY_TYPES: dict[str, Any] = {
    "key": ARRAY(String()),
    "state": ARRAY(LargeBinary()),
    "urgency_rank": ARRAY(Integer()),
    "overdue_count": ARRAY(Integer()),
    "life_events": ARRAY(Text()),
    "agency_codes": ARRAY(Text()),
    "closed_at": ARRAY(DateTime(timezone=True)),
    "anonymised_at": ARRAY(DateTime(timezone=True)),
    "opened_at": ARRAY(DateTime(timezone=True)),
    "updated_at": ARRAY(DateTime(timezone=True)),
    "checklist_todo": ARRAY(Integer()),
    "checklist_late": ARRAY(Integer()),
    "wish_answer_by": ARRAY(DateTime(timezone=True)),
}
_PG_WRITE_BACK = text(
    "UPDATE dossier_cases AS c SET state = t.state, ownership_status = t.ownership_status, "
    "owner_id = t.owner_id, team = t.team, urgency = t.urgency, urgency_rank = t.urgency_rank, "
    "municipality_code = t.municipality_code, life_events = t.life_events::json, "
    "agency_codes = t.agency_codes::json, overdue_count = t.overdue_count, "
    "closed_at = t.closed_at, anonymised_at = t.anonymised_at, opened_at = t.opened_at, "
    "updated_at = t.updated_at, checklist_todo = t.checklist_todo, "
    "checklist_late = t.checklist_late, wish_answer_by = t.wish_answer_by "
    "FROM unnest(:key, :state, :ownership_status, :owner_id, :team, :urgency, :urgency_rank, "
    ":municipality_code, :life_events, :agency_codes, :overdue_count, :closed_at, "
    ":anonymised_at, :opened_at, :updated_at, :checklist_todo, :checklist_late, "
    ":wish_answer_by) "
    "AS t(case_id, state, ownership_status, owner_id, team, urgency, urgency_rank, "
    "municipality_code, life_events, agency_codes, overdue_count, closed_at, anonymised_at, "
    "opened_at, updated_at, checklist_todo, checklist_late, wish_answer_by) "
    "WHERE c.case_id = t.case_id"
).bindparams(
    *(bindparam(name, type_=_ARRAY_TYPES.get(name, ARRAY(String()))) for name in ("key", *_WRITTEN))
)
"""Every changed case of a batch written back in one statement (arrays, one per column),
instead of one UPDATE execution per case. Why: one round trip per batch instead of one per
case, for the projection figure of `bench/dossier.py` (PostgreSQL only; SQLite, in process,
gains nothing from it and keeps the executemany in `save_all`)."""


def _pg_arrays(rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows as one array per column, for the `unnest` statements."""
    return {name: [_pg_value(name, row[name]) for row in rows] for name in ("key", *_WRITTEN)}


def _pg_value(name: str, value: Any) -> Any:
    if name in {"life_events", "agency_codes"}:
        return json.dumps(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC)  # as AwareDateTime stores it
    return value


async def save_all(
    session: AsyncSession, changes: Sequence[tuple[CaseState, CaseState]], clock: Clock
) -> None:
    """Write back existing cases (one statement on PostgreSQL, an executemany elsewhere) and
    keep their promise clocks in step."""
    if not changes:
        return
    now = clock.now()
    rows = []
    for case, _ in changes:
        values = _columns(case)
        if values["updated_at"] is None:
            values["updated_at"] = now
        values["key"] = case.case_id
        rows.append(values)
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_PG_WRITE_BACK, _pg_arrays(rows))
    else:
        # The SET clause comes from the rows' keys (every column but the key).
        await session.execute(update(cases).where(cases.c.case_id == bindparam("key")), rows)
    for (case, was), values in zip(changes, rows, strict=True):
        PARSED.keep(case.case_id, values["state"], case)
        if was.promises != case.promises:
            await _sync_promise_clock(session, case)


async def commit_events(
    session: AsyncSession,
    case: CaseState,
    before: CaseState | None,
    events: Sequence[Event],
    *,
    source: str,
    clock: Clock,
) -> CaseState:
    """Fold the dossier's own facts into the case, save it, and stage them in the outbox."""
    now = clock.now()
    envelopes = [Envelope(event, source=source, time=now) for event in events]
    notices: list[Notice] = []
    for envelope in envelopes:
        notices.extend(notices_for(case, envelope))
        case = project(case, envelope).state
    await save(session, case, before, clock)
    await add_events(session, envelopes, clock=clock)
    await _tell(session, notices, source, clock)
    return case


async def _tell(
    session: AsyncSession, notices: Sequence[Notice], source: str, clock: Clock
) -> None:
    """Store the staff notices, and for each new one whose addressee chose e-mail stage a
    `StaffNotificationRequested` for notify (ids and a kind only), in this transaction."""
    inserted = await staff_notice_rows.add(session, notices)
    fresh = [n for n in notices if n.notice_id in inserted]
    wanted = await staff_notice_rows.email_wanted(session, {n.staff_id for n in fresh})
    now = clock.now()
    requests = [
        Envelope(
            StaffNotificationRequested.model_validate(
                {
                    "case_id": n.case_id,
                    "staff_id": n.staff_id,
                    "notification_id": n.notice_id,
                    "kind": n.kind.value,
                    "requested_at": now,
                }
            ),
            source=source,
            time=now,
        )
        for n in fresh
        if n.staff_id in wanted
    ]
    if requests:
        await add_events(session, requests, clock=clock)
