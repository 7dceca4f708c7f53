"""A publisher in a process of its own, for the benches: the records a bench measures arrive
from outside the measured process, as intake and routing publish them, and a producer in the
bench's own event loop does not take turns from the consumers being measured.

    publisher = await Publisher.ready(records, tmp)   # loaded and connected, not yet sending
    started = time.perf_counter()
    await publisher.go()
    first = await publisher.done()   # first offset per topic and partition

Run as a script it is that process: it loads the pickled records, says `ready`, publishes on
`go` (idempotent producer, acks=all) and prints the first offset it got per topic and
partition as JSON.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import sys
import uuid
from pathlib import Path

from aiokafka import AIOKafkaProducer

BOOTSTRAP = "127.0.0.1:9092"

Record = tuple[str, bytes | None, bytes | None, list[tuple[str, bytes]]]
"""topic, key, value, headers"""


class Publisher:
    def __init__(self, process: asyncio.subprocess.Process, batch_file: Path) -> None:
        self._process = process
        self._batch_file = batch_file

    @classmethod
    async def ready(cls, records: list[Record], tmp: Path) -> Publisher:
        """Start the publisher process with `records` and wait until it can send."""
        batch_file = tmp / f"records-{uuid.uuid4().hex}.pickle"
        await asyncio.to_thread(batch_file.write_bytes, pickle.dumps(records))
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            str(batch_file),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        if (await process.stdout.readline()).strip() != b"ready":
            raise SystemExit("the publisher did not start")
        return cls(process, batch_file)

    async def go(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(b"go\n")
        await self._process.stdin.drain()

    async def done(self) -> dict[str, dict[int, int]]:
        """Wait until every record is acknowledged; the first offset per topic and partition."""
        assert self._process.stdout is not None
        line = await self._process.stdout.readline()
        await self._process.wait()
        await asyncio.to_thread(self._batch_file.unlink)
        if not line:
            raise SystemExit("the publisher failed")
        return {
            topic: {int(p): offset for p, offset in parts.items()}
            for topic, parts in json.loads(line).items()
        }


async def _publish(batch_file: Path) -> None:
    raw = await asyncio.to_thread(batch_file.read_bytes)
    records: list[Record] = pickle.loads(raw)  # noqa: S301 - the file the bench just wrote
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        futures = [
            await producer.send(topic, value, key=key, headers=headers)
            for topic, key, value, headers in records
        ]
        first: dict[str, dict[int, int]] = {}
        for future in futures:
            meta = await future
            first.setdefault(meta.topic, {}).setdefault(meta.partition, meta.offset)
    finally:
        await producer.stop()
    print(json.dumps(first), flush=True)


if __name__ == "__main__":
    asyncio.run(_publish(Path(sys.argv[1])))
