"""The relay's partitioner picks the same partition as Kafka's default for every key."""

from __future__ import annotations

import random

from aiokafka.partitioner import DefaultPartitioner

from voorportaal_kit.outbox import key_partitioner


def test_same_partition_as_the_default_for_every_key_and_partition_count() -> None:
    rng = random.Random(7)  # noqa: S311 - reproducible test keys, not secrets
    default = DefaultPartitioner()
    for count in (1, 3, 6, 12, 50):
        partitions = list(range(count))
        for _ in range(300):
            key = f"vp-{rng.getrandbits(64):016x}".encode()
            expected = default(key, partitions, partitions)
            assert key_partitioner(key, partitions, partitions) == expected
            assert key_partitioner(key, partitions, partitions) == expected  # remembered hash


def test_a_record_without_key_goes_to_an_available_partition() -> None:
    assert key_partitioner(None, [0, 1, 2], [2]) == 2
