"""Messages rendered and handed to SMTP per second, against a raw SMTP send loop measured in
the same run on the same local SMTP server.

    uv run python bench/notify.py [--messages 300] [--rounds 3]

Both sides talk to the real dev SMTP server (aiosmtpd, 127.0.0.1, a free port) with one
connection per message, as the service does. The raw loop sends a preformatted ASCII message
(no MIME library at all) with aiosmtplib. The notify side renders each message from the templates
(sandboxed Jinja, five languages in turn, text + HTML), builds the multipart mail with its
idempotent Message-ID and sends it with `SmtpEmailSender`. Target (issue 6): notify at least
50 % of the raw loop.

For information it also runs the whole delivery worker on SQLite (plan, claim and commit,
render, send, record the outcome, stage `NotificationSent`): three transactions per message
on top of the send, the price of "exactly once as far as the citizen can tell".
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosmtplib

from voorportaal.devservers import DevSmtpServer
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactPointsUpdated, ReferralAccepted
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.adapters.data_files import default_renderer
from voorportaal_notify.adapters.smtp import SmtpConfig, SmtpEmailSender
from voorportaal_notify.app import definition
from voorportaal_notify.settings import NotifySettings

LANGUAGES = ("nl", "en", "tr", "ar", "pl")
TEMPLATES = ("referral_accepted", "referral_declined", "news", "case_closed")
LINK = "http://127.0.0.1:8003/citizen/l/vp-0000000000000000case.t5k2ho.AbCdEfGhIjKlMnOp"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def raw_loop(port: int, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        to = f"raw{i}@example.org"
        # The least an SMTP client can do: a preformatted ASCII message, no MIME library.
        raw = (
            f"From: bench@voorportaal.invalid\r\nTo: {to}\r\nSubject: Bench\r\n"
            f"Message-ID: <raw-{i}-{time.time_ns()}@bench.invalid>\r\n\r\n"
            f"There is news about your request.\r\n{LINK}\r\n"
        )
        await aiosmtplib.send(
            raw,
            sender="bench@voorportaal.invalid",
            recipients=[to],
            hostname="127.0.0.1",
            port=port,
            start_tls=False,
        )
    return n / (time.perf_counter() - started)


async def notify_loop(port: int, n: int) -> float:
    renderer = default_renderer()
    sender = SmtpEmailSender(SmtpConfig(port=port))
    started = time.perf_counter()
    for i in range(n):
        message = renderer.render(
            TEMPLATES[i % len(TEMPLATES)], LANGUAGES[i % len(LANGUAGES)], {"link": LINK}
        )
        await sender.send(
            to=f"n{i}@example.org", message=message, idempotency_key=f"bench-{i}-{time.time_ns()}"
        )
    return n / (time.perf_counter() - started)


async def worker_loop(port: int, n: int, tmp: Path) -> float:
    settings = NotifySettings(
        data_dir=tmp / f"worker-{time.time_ns()}",
        kafka_bootstrap_servers="127.0.0.1:1",
        smtp_port=port,
        worker_batch_size=n,
    )
    clock = FixedClock(START)
    runtime = ServiceRuntime(definition(settings), clock=clock)
    await asyncio.to_thread(runtime.migrate)
    notify, worker = runtime.state["notify"], runtime.state["delivery"]
    async with runtime.sessions.begin() as session:
        for i in range(n):
            case_id = f"vp-bench{i:012d}"
            points = ContactPointsUpdated(
                case_id=case_id,
                channels=["email"],
                language=LANGUAGES[i % len(LANGUAGES)],
                email=f"w{i}@example.org",
                verified=["email"],  # nothing but a code goes to an unconfirmed address
            )
            await notify.on_contact_points(session, Envelope(points, source="/bench"))
            event = ReferralAccepted(
                case_id=case_id, referral_id="r-1", agency_code="uwv", by="agency", changed_at=START
            )
            await notify.on_event(session, Envelope(event, source="/bench"))
    clock.advance(timedelta(minutes=15))
    started = time.perf_counter()
    sent = 0
    while sent < n:
        sent += (await worker.run_once()).sent
    rate = n / (time.perf_counter() - started)
    await runtime.engine.dispose()
    return rate


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vp-bench-notify-"))
    port = free_port()
    ratios: list[float] = []
    with DevSmtpServer(tmp / "store", port=port):
        await raw_loop(port, 20)  # warm up connections, imports, template compilation
        await notify_loop(port, 20)
        for round_no in range(args.rounds):
            # Alternate the order so neither side always gets the warmer machine.
            if round_no % 2:
                notify = await notify_loop(port, args.messages)
                raw = await raw_loop(port, args.messages)
            else:
                raw = await raw_loop(port, args.messages)
                notify = await notify_loop(port, args.messages)
            ratio = notify / raw
            ratios.append(ratio)
            print(
                f"round {round_no + 1}: notify {notify:.0f} msg/s (rendered + handed to SMTP), "
                f"raw aiosmtplib {raw:.0f} msg/s -> {ratio:.0%}"
            )
        worker = await worker_loop(port, args.messages, tmp)
        print(f"whole delivery worker on SQLite (3 transactions + send each): {worker:.0f} msg/s")
    median = statistics.median(ratios)
    print(
        f"median notify/raw: {median:.0%} (target >= 50%): "
        f"{'OK' if median >= 0.5 else 'BELOW TARGET'}"
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
