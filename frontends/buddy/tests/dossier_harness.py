"""A real dossier service for the console's browser tests, seeded with real contract events.

The cases are built the way production builds them: contract events (`IntakeSubmitted`,
`CitizenIdentified`, `ReferralIssued`, `BuddyRecommended` …) in envelopes, folded in by the
dossier's own service layer (`DossierService.projection.on_event`) into the SQLite database
the server then serves from. The server runs as `python -m voorportaal serve dossier` in a
subprocess; Kafka is not needed for HTTP (messaging keeps retrying against a closed port).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Final

import httpx
from console_harness import (
    ARTIFACTS,
    dossier_key_env,
    launch,
    staff_headers,
    stop_group,
    wait_until_serving,
)

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    PromiseRecorded,
    Reason,
    ReferralAccepted,
    ReferralDeclined,
    ReferralIssued,
    ReferralReceived,
)
from voorportaal_contracts.events.checklist import (
    ChecklistEntry,
    ChecklistIssued,
    ChecklistItemDone,
    ChecklistItemOverdue,
    PersonRequested,
    Texts,
)
from voorportaal_contracts.registry import Event
from voorportaal_dossier.app import definition
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_kit.testing import case_opening, referral_answer

CLAIM_CASE: Final = "vp-claim-000001"
HANDOVER_CASE: Final = "vp-handover-000001"
PROMISE_CASE: Final = "vp-promise-000001"
FIGURES_CASE: Final = "vp-figures-000001"
ZUID_CASE: Final = "vp-zuid-000001"
CONTACT_CASE: Final = "vp-contact-000001"
GRANT_CASE: Final = "vp-grant-000001"
MESSAGE_CASE: Final = "vp-message-000001"
DOORBRAAK_CASE: Final = "vp-doorbraak-000001"
CLOSE_CASE: Final = "vp-close-000001"
LIVE_CASE: Final = "vp-live-000001"
CHECKLIST_CASE: Final = "vp-checklist-000001"
NOTICE_CASE: Final = "vp-notice-000001"
SHARING_CASE: Final = "vp-sharing-000001"
"""Sharing and mandates recorded and revoked by Anna (team-noord), who claims it."""
SHARING_QUEUE_CASE: Final = "vp-sharing-000002"
"""Sharing in the queue: Chantal (team-zuid) sees it, but may not record for its citizen."""
DOCUMENT_CASE: Final = "vp-document-000001"
DOCUMENT_QUEUE_CASE: Final = "vp-document-000002"
REASSIGN_CASE: Final = "vp-reassign-000001"
REOPEN_CASE: Final = "vp-reopen-000001"
METER_CASE: Final = "vp-meter-000001"
HELD_BACK_CASE: Final = "vp-meter-000002"
"""Notify sent the household two messages and holds a third back until its retry."""
TEAMS: Final = {
    "cm-anna": "team-noord",
    "cm-bram": "team-noord",
    "cm-chantal": "team-zuid",
    "sv-sophie": "team-noord",
}


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


CONSOLE_INTAKE: Final[dict[str, Any]] = {
    "life_events": ["income_loss", "divorce"],
    "channel": "phone",
    "needs": ["income_gap", "housing"],
    "share_with": ["uwv", "gemeente"],
}
"""How the console's cases differ from `voorportaal_kit.testing.intake_submitted`'s: a divorce
with the lost income, taken in by phone, shared with the UWV and the gemeente."""


def _referral(case_id: str, rid: str, agency: str, service: str, **extra: Any) -> ReferralIssued:
    fields: dict[str, Any] = {
        "case_id": case_id,
        "referral_id": rid,
        "agency_code": agency,
        "service_code": service,
        "rule_id": f"test.{service}",
        "summary_shared": True,
        "due_at": datetime.now(UTC) + timedelta(days=5),
        "reasons": [Reason(rule="income_loss", nl="Inkomen weggevallen.", en="Income lost.")],
    }
    return ReferralIssued(**{**fields, **extra})


def _answer(
    kind: type[Any], case_id: str, rid: str, agency: str, at: datetime, **extra: Any
) -> Any:
    return referral_answer(kind, case_id, rid, at, agency=agency, **extra)


def stories(now: datetime) -> list[tuple[datetime, Event]]:
    """Every seeded event with the time it happened, in per-case order."""
    t0 = now - timedelta(days=1)
    out: list[tuple[datetime, Event]] = []
    for case_id, name in (
        (CLAIM_CASE, "Fatima El Amrani"),
        (HANDOVER_CASE, "Kees de Boer"),
        (PROMISE_CASE, "Ayse Yilmaz"),
        (FIGURES_CASE, "Jan Visser"),
        (ZUID_CASE, "Priya Ramdin"),
        (CONTACT_CASE, "Noor Bakker"),
        (GRANT_CASE, "Daan Smit"),
        (MESSAGE_CASE, "Lotte Mulder"),
        (DOORBRAAK_CASE, "Sem de Groot"),
        (CLOSE_CASE, "Emma Bos"),
        (LIVE_CASE, "Milan Peters"),
        (CHECKLIST_CASE, "Sara Demir"),
        (NOTICE_CASE, "Ruben Hendriks"),
        (SHARING_CASE, "Iris van Dam"),
        (SHARING_QUEUE_CASE, "Thomas Claes"),
        (DOCUMENT_CASE, "Iris de Vries"),
        (DOCUMENT_QUEUE_CASE, "Thijs Koster"),
        (REASSIGN_CASE, "Iris Verbeek"),
        (REOPEN_CASE, "Thomas Koster"),
        (METER_CASE, "Julia Mertens"),
        (HELD_BACK_CASE, "Vera Meijer"),
    ):
        out += [(t0, event) for event in case_opening(case_id, t0, name, **CONSOLE_INTAKE)]
    out += [
        (t0, _referral(CLAIM_CASE, "ref-claim-uwv", "uwv", "ww")),
        (
            t0,
            _referral(
                CLAIM_CASE,
                "ref-claim-gem",
                "gemeente",
                "bijstand",
                waits_on="ref-claim-uwv",
                due_at=None,
            ),
        ),
        (t0, _referral(LIVE_CASE, "ref-live-uwv", "uwv", "ww")),
        (t0, _referral(FIGURES_CASE, "ref-fig-uwv", "uwv", "ww")),
        (t0, _referral(FIGURES_CASE, "ref-fig-svb", "svb", "aow")),
        (t0, _referral(FIGURES_CASE, "ref-fig-gem", "gemeente", "bijstand")),
        (
            t0 + timedelta(hours=1),
            _answer(ReferralReceived, FIGURES_CASE, "ref-fig-uwv", "uwv", t0),
        ),
        (
            t0 + timedelta(hours=3),
            _answer(ReferralAccepted, FIGURES_CASE, "ref-fig-uwv", "uwv", t0 + timedelta(hours=3)),
        ),
        (
            t0 + timedelta(hours=2),
            _answer(
                ReferralDeclined,
                FIGURES_CASE,
                "ref-fig-svb",
                "svb",
                t0 + timedelta(hours=2),
                reason="referred_elsewhere",
            ),
        ),
        (
            t0 + timedelta(hours=4),
            _answer(
                ReferralDeclined,
                FIGURES_CASE,
                "ref-fig-gem",
                "gemeente",
                t0 + timedelta(hours=4),
                reason="no_capacity",
            ),
        ),
        (
            t0 + timedelta(hours=5),
            PromiseRecorded(
                case_id=FIGURES_CASE,
                promise_id="p-fig-uwv",
                made_by="uwv",
                due_at=t0 + timedelta(hours=12),
            ),
        ),
    ]
    out += _citizen_work(CHECKLIST_CASE, t0)
    return out


def _texts(nl: str, en: str) -> Texts:
    return Texts(nl=nl, en=en, tr=f"{en} (tr)", ar=f"{en} (ar)", pl=f"{en} (pl)")


def _citizen_work(case_id: str, t0: datetime) -> list[tuple[datetime, Event]]:
    """The citizen's checklist+ (one task late, one still to do, one ticked off by the
    citizen) and their wish to talk to a person, as the intake publishes them."""

    def entry(item_id: str, agency: str, nl: str, en: str, due: timedelta) -> ChecklistEntry:
        return ChecklistEntry(
            item_id=item_id,
            agency=agency,
            agency_name=_texts(agency.upper(), agency.upper()),
            life_events=["income_loss"],
            title=_texts(nl, en),
            due_on=(t0 + due).date(),
        )

    items = [
        entry("apply_ww", "uwv", "Vraag een WW-uitkering aan", "Apply for WW", timedelta(days=-1)),
        entry("work_plan", "uwv", "Maak uw werkplan", "Make your work plan", timedelta(days=20)),
        entry("zorgtoeslag", "toeslagen", "Pas uw zorgtoeslag aan", "Adjust", timedelta(days=30)),
    ]
    return [
        (
            t0,
            ChecklistIssued(
                case_id=case_id,
                intake_id="intake-checklist",
                revision=1,
                language="nl",
                items=items,
                issued_at=t0,
            ),
        ),
        (
            t0 + timedelta(hours=1),
            ChecklistItemDone(
                case_id=case_id,
                intake_id="intake-checklist",
                item_id="zorgtoeslag",
                by_role="citizen",
                at=t0 + timedelta(hours=1),
            ),
        ),
        (
            t0 + timedelta(hours=2),
            ChecklistItemOverdue(
                case_id=case_id,
                intake_id="intake-checklist",
                item_id="apply_ww",
                due_on=items[0].due_on or t0.date(),
                at=t0 + timedelta(hours=2),
            ),
        ),
        (
            t0 + timedelta(hours=3),
            PersonRequested(
                case_id=case_id,
                request_id="wish-checklist",
                channel="phone",
                preferred_time="morning",
                language="nl",
                via="portal_status",
                requested_at=t0 + timedelta(hours=3),
                answer_by=t0 + timedelta(days=2),
            ),
        ),
    ]


def settings_for(data_dir: Path, port: int, clock_offset_s: float = 0.0) -> dict[str, str]:
    """The environment the dossier runs with in the browser tests."""
    return {
        "VOORPORTAAL_DOSSIER_DATA_DIR": str(data_dir),
        "VOORPORTAAL_DOSSIER_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / 'dossier.db'}",
        "VOORPORTAAL_DOSSIER_HTTP_PORT": str(port),
        "VOORPORTAAL_DOSSIER_TEAMS": json.dumps(TEAMS),
        "VOORPORTAAL_DOSSIER_PROMISE_INTERVAL_S": "1",
        "VOORPORTAAL_DOSSIER_CLOCK_OFFSET_S": str(clock_offset_s),
        "VOORPORTAAL_DOSSIER_ENVIRONMENT": "development",
        # Staff tokens only from the console's key: no HS256 secret (see console_harness).
        **dossier_key_env(),
        # Nothing listens here: HTTP serves while messaging keeps retrying.
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "VOORPORTAAL_DOSSIER_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
    }


def seed_events(
    data_dir: Path, events: list[tuple[datetime, Event]], *, migrate: bool = True
) -> None:
    """Fold `events` into the dossier's SQLite database through its own service layer (as its
    consumers do), one transaction each; first migrate it unless told it is current."""
    settings = DossierSettings(
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir / 'dossier.db'}",
        kafka_bootstrap_servers="127.0.0.1:1",
        teams=TEAMS,
    )
    runtime = ServiceRuntime(definition(settings))
    if migrate:
        runtime.migrate()
    dossier: DossierService = runtime.state["dossier"]

    async def run() -> None:
        for at, event in events:
            async with runtime.sessions.begin() as session:
                await dossier.projection.on_event(
                    session, Envelope(event, source="/console-tests", time=at)
                )
        await runtime.engine.dispose()

    asyncio.run(run())


def seed(data_dir: Path) -> None:
    """Migrate the dossier's SQLite database and fold the browser tests' stories in."""
    seed_events(data_dir, stories(datetime.now(UTC)))


class DossierProcess:
    """`python -m voorportaal serve dossier` on a free port, restartable with a shifted clock."""

    def __init__(self, data_dir: Path, log_path: Path | None = None) -> None:
        self.data_dir = data_dir
        self.log_path = log_path or ARTIFACTS / "dossier.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, clock_offset_s: float = 0.0) -> None:
        """Start the server and wait until it answers."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        env = {**os.environ, **settings_for(self.data_dir, self.port, clock_offset_s)}
        self._proc = launch(
            ["uv", "run", "--frozen", "python", "-m", "voorportaal", "serve", "dossier"],
            env,
            self._log,
        )
        wait_until_serving(
            self._proc,
            lambda: httpx.get(f"{self.url}/queue", timeout=2).status_code == 401,
            "dossier",
            self.log_path,
            60,
            pause_s=0.3,
        )

    def stop(self) -> None:
        """Stop the server (its database stays)."""
        stop_group(self._proc, self._log)
        self._proc, self._log = None, None

    def claim(self, case_id: str, subject: str) -> None:
        """Take the case as the staff member `subject`, through the dossier's API."""
        claimed = httpx.post(
            f"{self.url}/cases/{case_id}/claim", headers=staff_headers(subject), timeout=10
        )
        assert claimed.status_code == 200, claimed.text

    def audit(self, **params: str) -> list[dict[str, Any]]:
        """The audit log's entries that match `params`, read as the supervisor."""
        log = httpx.get(
            f"{self.url}/audit", params=params, headers=staff_headers("sv-sophie"), timeout=10
        )
        assert log.status_code == 200, log.text
        entries: list[dict[str, Any]] = log.json()
        return entries

    def restart(self, clock_offset_s: float) -> None:
        """Serve the same database again with the clock shifted by `clock_offset_s`."""
        self.stop()
        self.start(clock_offset_s)
