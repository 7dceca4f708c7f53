"""The case behind the status page's browser tests: opened on the real broker with contract
events the way production opens one (the intake's submission in Arabic, the citizen's confirmed
phone, routing's referrals with an estafette step, the intake's checklist), and the SMS notify
sends for it through the local SMS stub."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from aiokafka import AIOKafkaProducer
from portal_harness import KAFKA, Suite

from portal.citizen_api import opened_from_location
from voorportaal.devservers.sms import read_sent_sms
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ContactPointsUpdated, ReferralAccepted
from voorportaal_contracts.events.checklist import ChecklistEntry, ChecklistIssued, Texts
from voorportaal_contracts.registry import Event
from voorportaal_kit.testing import intake_submitted, referral_answer, referral_issued

_LINK = re.compile(r"https?://\S+/l/[A-Za-z0-9._~-]+")
ITEM = "gemeente.brp_move"


# ------------------------------------------------------------------------------ the case


def _checklist(case_id: str, at: datetime) -> ChecklistIssued:
    due = (at + timedelta(days=4)).date()
    return ChecklistIssued(
        case_id=case_id,
        intake_id=f"intake-{case_id}",
        revision=1,
        language="ar",
        issued_at=at,
        items=[
            ChecklistEntry(
                item_id=ITEM,
                agency="gemeente",
                agency_name=Texts(nl="Gemeente", en="Municipality", ar="البلدية"),
                life_events=["income_loss"],
                title=Texts(
                    nl="Geef uw verhuizing door", en="Report your move", ar="أبلغ عن انتقالك"
                ),
                why=[Texts(nl="Dat moet binnen 5 dagen.", en="Within 5 days.", ar="خلال 5 أيام.")],
                due_on=due,
                contact=["web", "phone"],
                phone="14 030",
                web="https://www.utrecht.nl",
            )
        ],
    )


def case_events(case_id: str, phone: str, at: datetime) -> list[Event]:
    """An intake in Arabic with a confirmed phone, the UWV helping, the gemeente's bijstand
    waiting on the UWV's decision (estafette), and the checklist."""
    return [
        intake_submitted(case_id, at, language="ar", share_with=["uwv", "gemeente"]),
        ContactPointsUpdated(
            case_id=case_id, channels=["sms"], language="ar", phone=phone, verified=["sms"]
        ),
        referral_issued(case_id, f"{case_id}-uwv", at),
        referral_answer(ReferralAccepted, case_id, f"{case_id}-uwv", at),
        referral_issued(
            case_id,
            f"{case_id}-bijstand",
            at,
            agency="gemeente",
            service="gemeente_bijstand",
            waits_on=f"{case_id}-uwv",
            due_at=None,
        ),
        _checklist(case_id, at),
    ]


async def publish(events: list[Event]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, enable_idempotence=True)
    await producer.start()
    try:
        for event in events:
            record = Envelope(event, source="/portal-tests", time=datetime.now(UTC)).to_kafka()
            await producer.send_and_wait(
                record.topic, record.value, key=record.key, headers=list(record.headers)
            )
    finally:
        await producer.stop()


def sms_link(suite: Suite, phone: str, timeout_s: float = 180) -> str:
    """The status link in the first SMS notify sent to `phone` (through the SMS stub)."""
    assert suite.outbox is not None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for sms in read_sent_sms(suite.outbox):
            found = _LINK.search(sms.text) if sms.to == phone else None
            if found:
                return found.group(0)
        time.sleep(0.5)
    raise AssertionError(f"no SMS with a link reached {phone} within {timeout_s} s")


def dossier_view(suite: Suite, link_url: str, language: str) -> dict[str, Any]:
    """What the dossier's JSON API says about the case behind `link_url`, in `language`."""
    token = urlsplit(link_url).path.rsplit("/", 1)[-1]
    dossier = suite.urls["dossier"]
    exchanged = httpx.get(f"{dossier}/citizen/l/{token}", follow_redirects=False, timeout=10)
    opened = opened_from_location(exchanged.headers["location"])
    answer = httpx.get(
        f"{dossier}/citizen/cases/{opened.case_id}",
        params={"link": opened.link, "lang": language},
        timeout=10,
    )
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def signed_link(portal_url: str, case_id: str) -> str:
    """A message link for `case_id` signed as notify signs one (the development link key the
    dossier shares), for tests that need the status page but not the SMS that carries it."""
    from voorportaal_contracts.citizen_links import sign_link_token
    from voorportaal_dossier.settings import DEV_CITIZEN_LINK_KEY

    token = sign_link_token(
        DEV_CITIZEN_LINK_KEY.encode(),
        case_id=case_id,
        page="overview",
        expires_at=datetime.now(UTC) + timedelta(hours=2),
    )
    return f"{portal_url}/l/{token}"


def dossier_case(suite: Suite, portal_url: str, attempts: int = 4, wait_s: float = 45) -> str:
    """The link of a case the suite's dossier shows (opened with contract events on the broker).

    The services' consumer groups are fixed names, shared with every other run on the broker:
    a partition held by another run's dossier takes the case there. A fresh case id lands on
    another partition, so a case that does not show up in time is opened again under a new id.
    """
    import asyncio
    import uuid

    for _ in range(attempts):
        case_id = f"vp-portal-{uuid.uuid4().hex[:12]}"
        phone = f"+3164{uuid.uuid4().int % 10**7:07d}"
        asyncio.run(publish(case_events(case_id, phone, datetime.now(UTC))))
        link = signed_link(portal_url, case_id)
        token = urlsplit(link).path.rsplit("/", 1)[-1]
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            answer = httpx.get(
                f"{suite.urls['dossier']}/citizen/cases/{case_id}",
                params={"link": token},
                timeout=10,
            )
            if answer.status_code == 200 and answer.json().get("arranged"):
                return link
            time.sleep(0.5)
    raise AssertionError(f"the dossier showed none of {attempts} cases within {wait_s} s each")
