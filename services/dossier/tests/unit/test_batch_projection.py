"""The consumer's batch fold on SQLite: one call for a batch of events about several cases
gives the stored cases (and the promise clock) that folding them one by one gives."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from dossier_factories import CASE, OTHER_CASE, T0, case_from, env, promise_recorded, story
from sqlalchemy import event, select

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import PromiseRecorded
from voorportaal_dossier.adapters.orm import cases, promise_clock
from voorportaal_dossier.app import definition
from voorportaal_dossier.domain.projection import replace
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

THIRD_CASE = "case-000003"


async def _runtime(tmp: Path) -> ServiceRuntime:
    settings = DossierSettings(data_dir=tmp, kafka_bootstrap_servers="127.0.0.1:1")
    runtime = ServiceRuntime(definition(settings), clock=FixedClock(T0))
    await asyncio.to_thread(runtime.migrate)
    return runtime


def _story(case_id: str) -> list[Envelope]:
    """The factories' story, with a promise id of its own (promise ids are unique)."""
    return [
        env(promise_recorded(case_id, f"p-{case_id}"), time=e.time, key=f"{case_id}-p")
        if e.type == PromiseRecorded.event_type
        else e
        for e in story(case_id)
    ]


def _interleaved() -> list[Envelope]:
    """Three cases' streams taken in turns, each in its own order (as one partition's batch)."""
    streams = [_story(CASE), _story(OTHER_CASE), _story(THIRD_CASE)[:5]]
    out: list[Envelope] = []
    for i in range(max(len(s) for s in streams)):
        out += [s[i] for s in streams if i < len(s)]
    return out


async def _rows(runtime: ServiceRuntime) -> tuple[list[Any], list[Any]]:
    async with runtime.sessions() as session:
        stored = (await session.execute(select(cases).order_by(cases.c.case_id))).all()
        clock = (
            await session.execute(select(promise_clock).order_by(promise_clock.c.promise_id))
        ).all()
    return [tuple(r) for r in stored], [tuple(r) for r in clock]


async def _fold(runtime: ServiceRuntime, batches: Sequence[Sequence[Envelope]]) -> None:
    dossier: DossierService = runtime.state["dossier"]
    for batch in batches:
        async with runtime.sessions.begin() as session:
            await dossier.projection.on_events(session, batch)


async def test_one_batch_over_several_cases_stores_what_one_by_one_stores(tmp_path: Path) -> None:
    events = _interleaved()
    one_by_one, batched = await _runtime(tmp_path / "a"), await _runtime(tmp_path / "b")
    try:
        await _fold(one_by_one, [[e] for e in events])
        await _fold(batched, [events])
        expected = await _rows(one_by_one)
        assert len(expected[0]) == 3 and expected[1], "three cases and an open promise"
        assert await _rows(batched) == expected
        # The batch delivered again (and split differently) changes nothing.
        await _fold(batched, [events[:7], events[7:]])
        assert await _rows(batched) == expected
    finally:
        await one_by_one.engine.dispose()
        await batched.engine.dispose()


async def test_a_batch_of_only_known_events_writes_no_case(tmp_path: Path) -> None:
    events = story()
    runtime = await _runtime(tmp_path)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    try:
        await _fold(runtime, [events])
        event.listen(runtime.engine.sync_engine, "before_cursor_execute", seen)
        await _fold(runtime, [events[3:6]])
        assert statements, "the batch was read"
        assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    finally:
        await runtime.engine.dispose()


def test_the_reducers_replace_copies_every_field_and_refuses_unknown_ones() -> None:
    case = case_from(*story())
    assert replace(case, notifications_sent=7) == dataclasses.replace(case, notifications_sent=7)
    assert replace(case, notifications_sent=7) is not case
    assert case.notifications_sent != 7, "the original is left as it was"
    with pytest.raises(TypeError):
        replace(case, no_such_field=1)
