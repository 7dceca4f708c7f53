"""`voorportaal agency`: the reference integration of an agency, and the demo's agencies.

An agency reads its own topic `referrals.<code>` and answers on `referral.responses`, signing
the exact bytes of each answer's record value with its HMAC key (header `vp-signature: v2=…`).
`listen` prints what arrives and remembers it (so `respond` can find a referral's case);
`respond` signs and publishes one answer. Any Kafka client in any
language can do the same: see the agency's AsyncAPI page (`/agencies/<code>/asyncapi.json` on
the routing service).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from voorportaal.services import REPO_ROOT
from voorportaal_contracts.envelope import Envelope, EnvelopeError, KafkaRecord, from_kafka
from voorportaal_contracts.events import (
    ConsentWithdrawn,
    ReferralCancelled,
    ReferralOffered,
    ReferralReminder,
)
from voorportaal_contracts.signing import sign_record, unsigned_response
from voorportaal_contracts.topics import referral_topic
from voorportaal_contracts.types import DeclineReason, ReferralResponseKind
from voorportaal_kit.kafka_client import KafkaConnection

ACTIONS = {
    "received": ReferralResponseKind.RECEIVED,
    "accept": ReferralResponseKind.ACCEPTED,
    "decline": ReferralResponseKind.DECLINED,
    "progress": ReferralResponseKind.IN_PROGRESS,
    "complete": ReferralResponseKind.COMPLETED,
    "return": ReferralResponseKind.RETURNED,
    "promise": ReferralResponseKind.PROMISE_MADE,
}


def _kafka() -> KafkaConnection:
    """The agency's own login on a secured cluster (`KAFKA_SECURITY_PROTOCOL`,
    `VOORPORTAAL_KAFKA_SASL_USERNAME=agency-<code>`, `..._SASL_PASSWORD`, `KAFKA_SSL_CA_FILE`);
    a plain development broker otherwise."""
    from pydantic import ValidationError

    from voorportaal_kit.settings import KafkaSettings

    try:
        return KafkaSettings().kafka
    except ValidationError as exc:
        raise click.ClickException(str(exc)) from None


def _memory(code: str) -> Path:
    folder = Path(os.environ.get("VOORPORTAAL_AGENCY_DIR", REPO_ROOT / "var" / "agency"))
    return folder / f"{code}.jsonl"


def _key(code: str) -> bytes:
    own = os.environ.get("VOORPORTAAL_AGENCY_KEY")
    if own:
        return own.encode()
    from voorportaal_routing.settings import RoutingSettings

    # Only routing's agency keys are wanted here, not its Kafka login (an agency has its own).
    key = RoutingSettings(kafka_security_protocol="PLAINTEXT", kafka_ssl_ca_file=None).agency_key(
        code
    )
    if key is None:
        raise click.ClickException(f"no key for {code}: set VOORPORTAAL_AGENCY_KEY")
    return key


@click.group()
def agency() -> None:
    """Act as an agency: read its referrals, answer them (signed)."""


@agency.command()
@click.argument("code")
@click.option("--once", is_flag=True, help="Print what is there now, then stop.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message.")
@click.option("--group", default=None, help="Consumer group (default agency-<code>).")
def listen(code: str, once: bool, as_json: bool, group: str | None) -> None:
    """Print the referrals, reminders and cancellations arriving for agency CODE."""
    try:
        topic = referral_topic(code)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_listen(code, topic, once, as_json, group or f"agency-{code}"))


async def _listen(code: str, topic: str, once: bool, as_json: bool, group: str) -> None:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic,
        **_kafka().client_kwargs(),
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    memory = _memory(code)
    memory.parent.mkdir(parents=True, exist_ok=True)
    await consumer.start()
    try:
        idle = 0
        while True:
            batch = await consumer.getmany(timeout_ms=1000)
            if not batch:
                idle += 1
                if once and idle >= 3:
                    return
                continue
            idle = 0
            for records in batch.values():
                for record in records:
                    _show(record, memory, as_json)
            await consumer.commit()
    finally:
        await consumer.stop()


def _show(record: Any, memory: Path, as_json: bool) -> None:
    try:
        envelope = from_kafka(record.key, record.value, record.headers or ())
    except EnvelopeError as exc:
        click.echo(f"skipped an unreadable message at offset {record.offset}: {exc.code}")
        return
    data = envelope.data
    payload = data.model_dump(mode="json")
    if isinstance(data, ReferralOffered):
        with memory.open("a") as f:
            f.write(json.dumps(payload) + "\n")
    if as_json:
        click.echo(json.dumps({"type": envelope.type, **payload}))
        return
    if isinstance(data, ReferralOffered):
        line = (
            f"referral {data.referral_id}  case {data.case_id}  service {data.service_code}  "
            f"{'URGENT  ' if data.urgent else ''}answer by {data.due_at:%Y-%m-%d}  ({data.mode})"
        )
        click.echo(line)
        if data.handover is not None:
            click.echo(f"  story: {data.handover.story}")
            if data.handover.name:
                click.echo(f"  citizen: {data.handover.name}")
    elif isinstance(data, ReferralReminder):
        kind = "nudge from the casemanager" if data.nudge else "reminder"
        click.echo(f"{kind}: referral {data.referral_id}, answer by {data.due_at:%Y-%m-%d}")
    elif isinstance(data, ReferralCancelled):
        click.echo(f"cancelled: referral {data.referral_id} ({data.state})")
    elif isinstance(data, ConsentWithdrawn):
        click.echo(
            f"delete what you hold ({', '.join(data.scopes)}; {data.reason}): "
            f"referral(s) {', '.join(data.referral_ids)}"
        )
    else:
        click.echo(f"{envelope.type}: {payload}")


@agency.command()
@click.argument("referral_id")
@click.argument("action", type=click.Choice(sorted(ACTIONS)))
@click.option("--agency", "code", default=None, help="Agency code (else from `listen`).")
@click.option("--case", "case_id", default=None, help="Case id (else from `listen`).")
@click.option(
    "--reason",
    type=click.Choice([r.value for r in DeclineReason]),
    default=None,
    help="Why (decline).",
)
@click.option("--outcome", default=None, help="What came of it (complete).")
@click.option("--promise", "promise", default=None, help="What is promised (promise).")
@click.option("--due", default=None, help="When the promise is due, YYYY-MM-DD (promise).")
@click.option("--note", default=None)
def respond(
    referral_id: str,
    action: str,
    code: str | None,
    case_id: str | None,
    reason: str | None,
    outcome: str | None,
    promise: str | None,
    due: str | None,
    note: str | None,
) -> None:
    """Answer referral REFERRAL_ID with ACTION, signed with the agency's key."""
    if code is None or case_id is None:
        found = _remembered(referral_id, code)
        code, case_id = code or found["agency_code"], case_id or found["case_id"]
    if action == "decline" and reason is None:
        raise click.UsageError("decline needs --reason")
    if action == "complete" and not outcome:
        raise click.UsageError("complete needs --outcome")
    if action == "promise" and not (promise and due):
        raise click.UsageError("promise needs --promise and --due")
    fields: dict[str, Any] = {
        "case_id": case_id,
        "referral_id": referral_id,
        "agency_code": code,
        "response": ACTIONS[action],
        "decline_reason": reason,
        "outcome": outcome,
        "promise": promise,
        "promise_due_at": (
            datetime.fromisoformat(due).replace(hour=17, tzinfo=UTC) if due else None
        ),
        "note": note,
        "responded_at": datetime.now(UTC),
    }
    try:
        response = unsigned_response(**fields)
    except ValueError as exc:
        raise click.ClickException(f"not a valid response: {exc}") from None
    envelope = Envelope(response, source=f"/agency/{code}", time=response.responded_at)
    asyncio.run(_publish(sign_record(envelope.to_kafka(), _key(code))))
    click.echo(f"{action} sent for referral {referral_id} ({code})")


def _remembered(referral_id: str, code: str | None) -> dict[str, Any]:
    folder = _memory(code or "x").parent
    paths = [_memory(code)] if code else sorted(folder.glob("*.jsonl"))
    for path in paths:
        if path.exists():
            for line in path.read_text().splitlines():
                seen = json.loads(line)
                if seen.get("referral_id") == referral_id:
                    return dict(seen)
    raise click.ClickException(
        f"referral {referral_id} not seen by `voorportaal agency listen`; give --agency and --case"
    )


async def _publish(record: KafkaRecord) -> None:
    from voorportaal_kit.outbox import create_producer

    producer = create_producer(_kafka(), "voorportaal-agency-cli")
    await producer.start()
    try:
        await producer.send_and_wait(
            record.topic, record.value, key=record.key, headers=list(record.headers)
        )
    finally:
        await producer.stop()
