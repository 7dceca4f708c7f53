"""Demo agencies for `voorportaal up`: they read their own topics and answer, signed.

Runs after the intake demo has submitted its cases. Each simulated agency behaves the way the
research describes real ones: UWV accepts and starts, Dienst Toeslagen confirms receipt, the
SVB accepts, the gemeente sends one back to another counter (the *kastje-muur* signal), and
schuldhulp promises a first conversation. The rest stay open, so their SLA clocks run.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer

from voorportaal_contracts.envelope import Envelope, EnvelopeError, from_kafka
from voorportaal_contracts.events import ReferralOffered
from voorportaal_contracts.signing import signed_response
from voorportaal_contracts.topics import REFERRAL_RESPONSES, referral_topic
from voorportaal_kit.outbox import create_producer
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
"""What each demo agency answers to a referral, in order."""


def seed(listen_s: float = 15.0) -> list[str]:
    """Answer the referrals that arrive within `listen_s` seconds; returns the case ids."""
    return asyncio.run(_answer_all(listen_s))


async def _answer_all(listen_s: float) -> list[str]:
    settings = RoutingSettings()
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", settings.kafka_bootstrap_servers)
    consumer = AIOKafkaConsumer(
        *(referral_topic(code) for code in SCRIPT),
        bootstrap_servers=bootstrap,
        group_id="demo-agencies",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = create_producer(bootstrap, "voorportaal-demo-agencies")
    await consumer.start()
    await producer.start()
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
                    if not isinstance(offer, ReferralOffered) or offer.referral_id in answered:
                        continue
                    answered.add(offer.referral_id)
                    if offer.case_id not in cases:
                        cases.append(offer.case_id)
                    for step in SCRIPT[offer.agency_code]:
                        envelope = _answer(settings, offer, step)
                        kafka = envelope.to_kafka()
                        await producer.send_and_wait(
                            REFERRAL_RESPONSES,
                            kafka.value,
                            key=kafka.key,
                            headers=list(kafka.headers),
                        )
            await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()
    return cases


def _answer(settings: RoutingSettings, offer: ReferralOffered, step: dict[str, Any]) -> Envelope:
    key = settings.agency_key(offer.agency_code)
    assert key is not None  # outside production every agency has a derived key
    now = datetime.now(UTC)
    fields = {k: v for k, v in step.items() if k != "days"}
    if "days" in step:
        fields["promise_due_at"] = now + timedelta(days=step["days"])
    response = signed_response(
        key,
        case_id=offer.case_id,
        referral_id=offer.referral_id,
        agency_code=offer.agency_code,
        responded_at=now,
        **fields,
    )
    return Envelope(response, source=f"/agency/{offer.agency_code}", time=now)
