"""Test support: one case as every relation sees it, and one case's event stream.

Each service's matrix test (`test_*_access_matrix.py`) calls its routes as every relation to a
case — the owner, a colleague in or outside the team, a supervisor, an agency with or without
a grant, the citizen, a citizen of another case, a representative — and expects allowed or
refused as the case decides, audited either way. The callers, the facts that make them those
relations (`access_facts`) and reading the audit log back are the same in every service; the
matrix rows (who may do what) stay in each test.

The event factories at the end build the facts one case produces, as intake and routing publish
them; the suite's integration tests, the console's test dossier and the benchmarks build their
streams from them, each changing only what its test is about.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from voorportaal_contracts.events.case import (
    BuddyAssigned,
    BuddyRecommended,
    ConsentGranted,
    MandateGranted,
    Reason,
    ReferralAccepted,
    ReferralIssued,
)
from voorportaal_contracts.events.contact import CitizenIdentified, ContactPointsUpdated
from voorportaal_contracts.events.intake import IntakeSubmitted
from voorportaal_contracts.registry import Event

OWNER: str = "cm-owner"
OWNER_TEAM: str = "noord"
GRANTED_AGENCY: str = "uwv"
MANDATE_ID: str = "m-1"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls, as a token says it."""

    subject: str
    roles: tuple[str, ...]
    team: str | None = None
    case_id: str | None = None
    """The case of a citizen's or representative's link."""


def relations(case_id: str, other_case_id: str) -> dict[str, Caller]:
    """Every relation to `case_id` a matrix tries, once `access_facts(case_id, …)` is known."""
    return {
        "owner": Caller(OWNER, ("casemanager",), team=OWNER_TEAM),
        "same_team": Caller("cm-mate", ("casemanager",), team=OWNER_TEAM),
        "other_team": Caller("cm-other", ("casemanager",), team="zuid"),
        "supervisor": Caller("sv-1", ("supervisor",)),
        "agency_with_grant": Caller("uwv-1", (f"agency:{GRANTED_AGENCY}",)),
        "agency_without_grant": Caller("svb-1", ("agency:svb",)),
        "citizen_of_this_case": Caller("intake:this", ("citizen",), case_id=case_id),
        "citizen_of_another_case": Caller("intake:other", ("citizen",), case_id=other_case_id),
        "representative": Caller(f"representative:{MANDATE_ID}", ("citizen",), case_id=case_id),
    }


RELATION_NAMES: tuple[str, ...] = tuple(sorted(relations("", "")))
"""The relations every matrix tries, in the order it tries them."""


def access_facts(case_id: str, now: datetime) -> list[Event]:
    """The `case.events` facts behind `relations`: owned by `OWNER` in `OWNER_TEAM`, shared
    with `GRANTED_AGENCY` for its summary, and a family member's mandate for the summary."""
    return [
        BuddyAssigned(
            case_id=case_id,
            casemanager_id=OWNER,
            casemanager_name="Owner",
            team=OWNER_TEAM,
            assigned_at=now,
        ),
        ConsentGranted(
            case_id=case_id,
            grant_id=f"grant-{GRANTED_AGENCY}-{case_id}",
            agency_code=GRANTED_AGENCY,
            scopes=["summary"],
            valid_until=now + timedelta(days=30),
        ),
        MandateGranted(
            case_id=case_id,
            mandate_id=MANDATE_ID,
            relation="family",
            scopes=["summary"],
            valid_from=now - timedelta(minutes=1),
            valid_until=now + timedelta(days=30),
            granted_by="citizen",
        ),
    ]


def audit_records(db: Path, table: str) -> list[dict[str, Any]]:
    """Every audit record in `table` of the SQLite database `db`, in order; each must also be
    waiting in the outbox on `access.log` for the citizen's view (asserted)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(f"SELECT record FROM {table} ORDER BY seq").fetchall()  # noqa: S608
        published = conn.execute("SELECT count(*) FROM outbox WHERE topic = 'access.log'")
        count = published.fetchone()[0]
    records = [json.loads(r[0]) for r in rows]
    assert count == len(records), "each record is published for the citizen's view"
    return records


# --------------------------------------------------------------------------- event streams

_AnswerT = TypeVar("_AnswerT", bound=Event)


def intake_submitted(case_id: str, at: datetime, **changes: Any) -> IntakeSubmitted:
    """An intake for a job lost with eviction looming, shared with the UWV; `changes` win."""
    fields: dict[str, Any] = {
        "case_id": case_id,
        "intake_id": f"intake-{case_id}",
        "life_events": ["income_loss"],
        "channel": "web",
        "redzaamheid": "niet_redzaam",
        "urgency": "high",
        "needs": ["income_gap"],
        "risks": ["eviction"],
        "municipality_code": "GM0344",
        "share_with": ["uwv"],
        "submitted_at": at,
    }
    return IntakeSubmitted(**{**fields, **changes})


def referral_issued(
    case_id: str,
    referral_id: str,
    at: datetime,
    *,
    agency: str = "uwv",
    service: str = "uwv_ww",
    **changes: Any,
) -> ReferralIssued:
    """Routing's referral of the case to `agency`, due five days after `at`; `changes` win."""
    fields: dict[str, Any] = {
        "case_id": case_id,
        "referral_id": referral_id,
        "agency_code": agency,
        "service_code": service,
        "rule_id": "income_loss_ww",
        "summary_shared": True,
        "due_at": at + timedelta(days=5),
        "reasons": [Reason(rule="income_loss_ww", nl="Baan kwijt.", en="Lost job.")],
    }
    return ReferralIssued(**{**fields, **changes})


def referral_answer(
    kind: type[_AnswerT],
    case_id: str,
    referral_id: str,
    at: datetime,
    *,
    agency: str = "uwv",
    **extra: Any,
) -> _AnswerT:
    """An agency's answer to a referral (`ReferralAccepted`, `ReferralDeclined` …) at `at`."""
    return kind(
        case_id=case_id,
        referral_id=referral_id,
        agency_code=agency,
        by="agency",
        changed_at=at,
        **extra,
    )


def buddy_recommended(
    case_id: str,
    at: datetime,
    *,
    rule: str = "acute",
    nl: str = "Acuut risico.",
    en: str = "Acute risk.",
) -> BuddyRecommended:
    """The intake's triage recommends a buddy, for one reason."""
    return BuddyRecommended(
        case_id=case_id, reasons=[Reason(rule=rule, nl=nl, en=en)], recommended_at=at
    )


def case_stream(
    case_id: str,
    start: datetime,
    *,
    referral_id: str | None = None,
    accepted_after: timedelta = timedelta(hours=1),
    **intake_changes: Any,
) -> list[Event]:
    """The four facts of one case in per-case order: submitted, referred to the UWV (as
    `referral_id`, default `ref-` and the end of the case id), a buddy recommended, and the
    UWV's acceptance `accepted_after` the start."""
    referral = referral_id or f"ref-{case_id[-10:]}"
    return [
        intake_submitted(case_id, start, **intake_changes),
        referral_issued(case_id, referral, start),
        buddy_recommended(case_id, start),
        referral_answer(ReferralAccepted, case_id, referral, start + accepted_after),
    ]


def case_opening(
    case_id: str,
    at: datetime,
    name: str,
    *,
    phone: str = "+31612345678",
    channels: tuple[str, ...] = ("sms", "email"),
    reason_en: str = "Eviction looms.",
    **intake_changes: Any,
) -> list[Event]:
    """How a case the console shows begins: the intake, who the citizen is, how to reach
    them, and a buddy recommended because eviction looms."""
    return [
        intake_submitted(case_id, at, **intake_changes),
        CitizenIdentified(
            case_id=case_id, name=name, postcode="3511AB", municipality_code="GM0344"
        ),
        ContactPointsUpdated(case_id=case_id, channels=list(channels), language="nl", phone=phone),
        buddy_recommended(
            case_id, at, rule="acute_risk", nl="Er dreigt huisuitzetting.", en=reason_en
        ),
    ]
