"""Demo agencies for `voorportaal up`: they read their own topics and answer, signed.

Runs after the intake demo has submitted its cases. Each simulated agency behaves the way the
research describes real ones: UWV accepts and starts, Dienst Toeslagen confirms receipt, the
SVB accepts, the gemeente sends one back to another counter (the *kastje-muur* signal), and
schuldhulp promises a first conversation. The rest stay open, so their SLA clocks run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from voorportaal_contracts.envelope import Envelope, EnvelopeError, KafkaRecord, from_kafka
from voorportaal_contracts.events import ReferralOffered
from voorportaal_contracts.signing import sign_record, unsigned_response
from voorportaal_contracts.topics import REFERRAL_RESPONSES, municipal_agency, referral_topic
from voorportaal_kit.kafka import topic_partitions
from voorportaal_kit.outbox import create_producer
from voorportaal_kit.settings import KafkaSettings
from voorportaal_routing.adapters.data_files import load_directory
from voorportaal_routing.settings import RoutingSettings

SCRIPT: dict[str, list[dict[str, Any]]] = {
    "uwv": [{"response": "received"}, {"response": "accepted"}, {"response": "in_progress"}],
    "toeslagen": [{"response": "received"}],
    "svb": [{"response": "accepted"}],
    "gemeente": [{"response": "declined", "decline_reason": "referred_elsewhere"}],
    "schuldhulp": [
        {"response": "received"},
        {"response": "promise_made", "promise": "Eerste gesprek", "days": 3},
    ],
}
"""What each demo agency answers to a referral, in order; `gemeente` and `schuldhulp` stand
for every municipality's own (`gemeente-gm0344` …)."""


def _script_of(agency_code: str) -> list[dict[str, Any]]:
    municipal = municipal_agency(agency_code)
    return SCRIPT[municipal[0] if municipal else agency_code]


def _demo_topics() -> list[str]:
    """The topics of the demo agencies: the national ones and every tenant's own."""
    return [
        referral_topic(code)
        for code in load_directory().agency_codes()
        if (municipal_agency(code) or (code,))[0] in SCRIPT
    ]


def seed(cases: Sequence[str] = (), listen_s: float = 15.0) -> list[str]:
    """Answer the referrals of the demo's `cases` that arrive within `listen_s` seconds;
    returns the case ids answered for. Other referrals on the topics are left alone."""
    if not cases:
        return []
    return asyncio.run(_answer_all(set(cases), listen_s))


async def _answer_all(cases_wanted: set[str], listen_s: float) -> list[str]:
    # The demo agencies read several agencies' topics at once, which no agency's principal
    # may: on a secured broker they use the operator's login (`VOORPORTAAL_KAFKA_SASL_*`).
    settings = RoutingSettings()
    connection = KafkaSettings().kafka
    consumer = AIOKafkaConsumer(
        **connection.client_kwargs(), group_id=None, enable_auto_commit=False
    )
    producer = create_producer(connection, "voorportaal-demo-agencies")
    await consumer.start()
    await producer.start()
    # Only what was offered in the last few minutes: the topics may hold years of referrals.
    known = await topic_partitions(connection, _demo_topics())
    partitions = [TopicPartition(topic, p) for topic, ps in known.items() for p in ps]
    consumer.assign(partitions)
    since_ms = int((time.time() - 600) * 1000)
    found = await consumer.offsets_for_times(dict.fromkeys(partitions, since_ms))
    for partition, offset in found.items():
        if offset is None:
            await consumer.seek_to_end(partition)
        else:
            consumer.seek(partition, offset.offset)
    answered: set[str] = set()
    cases: list[str] = []
    try:
        deadline = asyncio.get_running_loop().time() + listen_s
        while asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    try:
                        offer = from_kafka(record.key, record.value, record.headers or ()).data
                    except EnvelopeError:
                        continue
                    if (
                        not isinstance(offer, ReferralOffered)
                        or offer.case_id not in cases_wanted
                        or offer.referral_id in answered
                    ):
                        continue
                    answered.add(offer.referral_id)
                    if offer.case_id not in cases:
                        cases.append(offer.case_id)
                    for step in _script_of(offer.agency_code):
                        kafka = _answer(settings, offer, step)
                        await producer.send_and_wait(
                            REFERRAL_RESPONSES,
                            kafka.value,
                            key=kafka.key,
                            headers=list(kafka.headers),
                        )
    finally:
        await consumer.stop()
        await producer.stop()
    return cases


def _answer(settings: RoutingSettings, offer: ReferralOffered, step: dict[str, Any]) -> KafkaRecord:
    key = settings.agency_key(offer.agency_code)
    assert key is not None  # outside production every agency has a derived key
    now = datetime.now(UTC)
    fields = {k: v for k, v in step.items() if k != "days"}
    if "days" in step:
        fields["promise_due_at"] = now + timedelta(days=step["days"])
    response = unsigned_response(
        case_id=offer.case_id,
        referral_id=offer.referral_id,
        agency_code=offer.agency_code,
        responded_at=now,
        **fields,
    )
    envelope = Envelope(response, source=f"/agency/{offer.agency_code}", time=now)
    return sign_record(envelope.to_kafka(), key)  # over the exact bytes sent
