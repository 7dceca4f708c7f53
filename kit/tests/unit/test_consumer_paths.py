"""The reliable consumer's edge paths, on SQLite with a recording dead-letter publisher.

The same behaviour is proven against the real broker in tests/integration; these cover the
paths that are hard to provoke there (a parser crash, a broken DLQ, a database that is gone).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from kit_engines import dispose_engines, kit_engine
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.registry import Event, EventRegistry
from voorportaal_kit.consumer import (
    DatabaseUnavailable,
    ReliableConsumer,
    RetryPolicy,
    Subscription,
)
from voorportaal_kit.db import create_sessions

__all__ = ["dispose_engines"]  # the fixture, shared with the kit's other engine tests

events = EventRegistry()


@events.register("t.noted", version=1, topic="t")
class Noted(Event):
    case_id: str
    n: int


@events.register("t.noted", version=2, topic="t")
class NotedV2(Noted):
    pass


@events.register("t.broken", version=1, topic="t")
class Broken(Event):
    """No case_id: its subject() raises TypeError inside the parser."""

    n: int


@events.register("t.elsewhere", version=1, topic="t")
class Elsewhere(Event):
    """On the same topic, for another consumer group."""

    case_id: str


class RecordingDLQ:
    def __init__(self, fail: bool = False) -> None:
        self.letters: list[tuple[int, str, str]] = []
        self.fail = fail

    async def send(
        self, record: Any, *, code: str, reason: str, attempts: int, failed_at: datetime
    ) -> None:
        if self.fail:
            raise ConnectionError("DLQ unreachable")
        self.letters.append((record.offset, code, reason))


def rec(
    offset: int, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("t", 0, offset, 0, 0, key, value, None, 0, 0, headers)


def event_record(offset: int, event: Event) -> ConsumerRecord[bytes, bytes]:
    r = Envelope(event, source="/test").to_kafka("t")
    return rec(offset, r.key, r.value, r.headers)


async def make(
    tmp_path: Path,
    *,
    url: str | None = None,
    dlq: RecordingDLQ | None = None,
    on_tombstone: Any = None,
) -> tuple[ReliableConsumer, list[Any], RecordingDLQ]:
    url = url or f"sqlite+aiosqlite:///{tmp_path}/c.db"
    engine = await kit_engine(url)
    seen: list[Any] = []

    async def handle(_s: AsyncSession, env: Envelope) -> None:
        seen.append(env.data)

    dlq = dlq or RecordingDLQ()
    consumer = ReliableConsumer(
        Subscription("t", "g", {Noted: handle, Broken: handle}, on_tombstone=on_tombstone),
        engine=engine,
        sessions=create_sessions(engine),
        dead_letters=dlq,  # type: ignore[arg-type]
        retry=RetryPolicy(max_attempts=2, initial_backoff_s=0.01, max_backoff_s=0.05),
        events=events,
    )
    return consumer, seen, dlq


async def test_another_groups_type_is_skipped_by_its_header_unparsed(tmp_path: Path) -> None:
    consumer, seen, dlq = await make(tmp_path)
    good = event_record(1, Noted(case_id="case-000001", n=2))
    headers = [(n, b"t.elsewhere" if n == "ce_type" else v) for n, v in good.headers]
    # Not even JSON: had it been parsed it would have been dead-lettered as bad_json.
    await consumer.process([rec(0, good.key, b"not json", headers), good])
    assert dlq.letters == []
    assert [e.n for e in seen] == [2]


async def test_a_repeated_type_header_is_left_to_the_parser(tmp_path: Path) -> None:
    consumer, seen, dlq = await make(tmp_path)
    good = event_record(1, Noted(case_id="case-000001", n=3))
    # The parser takes the last ce_type (t.noted, handled): the first must not get it skipped.
    headers = [("ce_type", b"t.elsewhere"), *good.headers]
    await consumer.process([rec(0, good.key, good.value, headers)])
    assert dlq.letters == []
    assert [e.n for e in seen] == [3]


async def test_a_parser_crash_is_dead_lettered_and_the_batch_goes_on(tmp_path: Path) -> None:
    consumer, seen, dlq = await make(tmp_path)
    good = event_record(1, Noted(case_id="case-000001", n=2))
    headers = [(n, b"t.broken" if n == "ce_type" else v) for n, v in good.headers]
    await consumer.process([rec(0, good.key, b'{"n": 1}', headers), good])
    assert dlq.letters == [(0, "parse_error", "TypeError while parsing")]
    assert [e.n for e in seen] == [2]


async def test_unhandled_version_of_a_handled_type_is_kept_for_replay(tmp_path: Path) -> None:
    consumer, seen, dlq = await make(tmp_path)
    await consumer.process([event_record(0, NotedV2(case_id="case-000001", n=1))])
    assert seen == []
    assert dlq.letters[0][1] == "unknown_version"


async def test_same_event_twice_in_one_batch_and_again_later_is_applied_once(
    tmp_path: Path,
) -> None:
    consumer, seen, dlq = await make(tmp_path)
    record = event_record(0, Noted(case_id="case-000001", n=1))
    await consumer.process([record, record])
    await consumer.process([record])
    assert [e.n for e in seen] == [1]
    assert dlq.letters == []


async def test_tombstones_reach_their_handler_in_order_with_events(tmp_path: Path) -> None:
    erased: list[str] = []

    async def erase(_s: AsyncSession, key: str) -> None:
        erased.append(key)

    consumer, seen, dlq = await make(tmp_path, on_tombstone=erase)
    await consumer.process(
        [event_record(0, Noted(case_id="case-000001", n=1)), rec(1, b"case-000001", None, [])]
    )
    assert erased == ["case-000001"]
    assert [e.n for e in seen] == [1]
    assert dlq.letters == []


async def test_a_tombstone_without_a_handler_is_dead_lettered(tmp_path: Path) -> None:
    consumer, _, dlq = await make(tmp_path)
    await consumer.process([rec(0, b"case-000001", None, [])])
    assert dlq.letters[0][1] == "missing_header"


async def test_a_broken_dead_letter_queue_gives_the_batch_back(tmp_path: Path) -> None:
    consumer, _, _ = await make(tmp_path, dlq=RecordingDLQ(fail=True))
    with pytest.raises(ConnectionError):
        await consumer.process([rec(0, b"k", b"{not json", [])])


async def test_a_database_that_is_gone_gives_the_batch_back_without_counting(
    tmp_path: Path,
) -> None:
    url = "postgresql+asyncpg://nobody:nothing@127.0.0.1:9/none"  # port 9: nothing listens
    consumer, seen, dlq = await make(tmp_path, url=url)
    with pytest.raises(DatabaseUnavailable):
        await asyncio.wait_for(
            consumer.process([event_record(0, Noted(case_id="case-000001", n=1))]), 30
        )
    assert seen == []
    assert dlq.letters == [], "an outage is not the message's fault"


async def test_handler_failure_reason_names_the_type_not_the_message(tmp_path: Path) -> None:
    consumer, _, dlq = await make(tmp_path)

    async def leaky(session: AsyncSession, _env: Envelope) -> None:
        await session.execute(text("SELECT 1"))
        raise ValueError("Piet Pietersen, BSN 999999990")

    consumer._handlers[("t.noted", 1)] = leaky
    await consumer.process([event_record(0, Noted(case_id="case-000001", n=1))])
    ((_, code, reason),) = dlq.letters
    assert code == "handler_failed"
    assert "ValueError" in reason
    assert "999999990" not in reason and "Piet" not in reason


class Calls(list[tuple[str, list[int]]]):
    """What the handlers were called with, in order: ("one", [n]) per event applied alone,
    (a batch handler's name, [n, …]) per run."""

    async def one(self, _s: AsyncSession, env: Envelope) -> None:
        assert isinstance(env.data, Noted)
        self.append(("one", [env.data.n]))

    def batch(self, name: str, *, fails_on: int | None = None) -> Any:
        """A batch handler that records its run (and fails the run holding `fails_on`)."""

        async def handle(_s: AsyncSession, envs: Any) -> None:
            ns = [e.data.n for e in envs]
            self.append((name, ns))
            if fails_on in ns:
                raise RuntimeError("one bad event in the run")

        return handle

    def consumer(self, engine: Any, many: Any, **options: Any) -> ReliableConsumer:
        """A consumer of `t` that applies Noted and NotedV2 alone (`one`) and Noted in runs
        (`many`)."""
        return ReliableConsumer(
            Subscription(
                "t", "g", {Noted: self.one, NotedV2: self.one}, batch_handlers={Noted: many}
            ),
            engine=engine,
            sessions=create_sessions(engine),
            dead_letters=RecordingDLQ(),  # type: ignore[arg-type]
            events=events,
            **options,
        )


async def test_batch_handlers_get_consecutive_runs_in_order_and_failures_go_one_by_one(
    tmp_path: Path,
) -> None:
    engine = await kit_engine(f"sqlite+aiosqlite:///{tmp_path}/b.db")
    calls = Calls()
    retry = RetryPolicy(max_attempts=1, initial_backoff_s=0.01, max_backoff_s=0.05)
    consumer = calls.consumer(engine, calls.batch("many", fails_on=99), retry=retry)
    first = event_record(0, Noted(case_id="case-000001", n=1))
    await consumer.process(
        [
            first,
            event_record(1, Noted(case_id="case-000002", n=2)),
            event_record(2, NotedV2(case_id="case-000003", n=3)),
            event_record(3, Noted(case_id="case-000004", n=4)),
            first,  # a redelivery inside the batch counts once
        ]
    )
    assert calls == [("many", [1, 2]), ("one", [3]), ("many", [4])]
    calls.clear()
    await consumer.process(
        [
            event_record(4, Noted(case_id="case-000005", n=5)),
            event_record(5, Noted(case_id="case-000006", n=99)),
        ]
    )
    # The run failed as a whole (rolled back), then each event was applied alone.
    assert calls == [("many", [5, 99]), ("one", [5]), ("one", [99])]


async def test_types_sharing_one_batch_handler_form_one_run_in_order(tmp_path: Path) -> None:
    engine = await kit_engine(f"sqlite+aiosqlite:///{tmp_path}/r.db")
    calls = Calls()
    many, other = calls.batch("many"), calls.batch("other")
    consumer = calls.consumer(engine, many)
    consumer._batch_handlers[("t.noted", 2)] = many  # two types, one fold
    await consumer.process(
        [
            event_record(i, (Noted if i % 2 else NotedV2)(case_id="case-000001", n=i))
            for i in range(5)
        ]
    )
    assert calls == [("many", [0, 1, 2, 3, 4])]
    calls.clear()
    consumer._batch_handlers[("t.noted", 2)] = other  # different handlers: separate runs
    await consumer.process(
        [
            event_record(i, (Noted if i % 2 else NotedV2)(case_id="case-000001", n=i))
            for i in range(5, 9)
        ]
    )
    assert calls == [("many", [5]), ("other", [6]), ("many", [7]), ("other", [8])]
