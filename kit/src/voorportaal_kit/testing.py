"""Test support for the services' access matrices: one case as every relation sees it.

Each service's matrix test (`test_*_access_matrix.py`) calls its routes as every relation to a
case — the owner, a colleague in or outside the team, a supervisor, an agency with or without
a grant, the citizen, a citizen of another case, a representative — and expects allowed or
refused as the case decides, audited either way. The callers, the facts that make them those
relations (`access_facts`) and reading the audit log back are the same in every service; the
matrix rows (who may do what) stay in each test.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from voorportaal_contracts.events.case import BuddyAssigned, ConsentGranted, MandateGranted
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
