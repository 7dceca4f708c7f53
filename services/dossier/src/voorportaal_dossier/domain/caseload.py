"""The supervisor's caseload per casemanager: the open cases each one owns and what waits on
them (a citizen's open wish to talk to a person, a handover a colleague offered them), with the
referrals overdue on their cases. Counts per staff member only (no case ids, no citizen data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class OwnerCounts:
    """What the cases table counts for one owner (open, not anonymised cases)."""

    owner_id: str
    team: str | None
    open_cases: int
    person_requests: int
    overdue_referrals: int


def caseload(counts: Iterable[OwnerCounts], offered: Mapping[str, int]) -> list[dict[str, Any]]:
    """One row per casemanager who owns an open case or has a handover offered to them
    (`CaseloadRow`), most open cases first, then most waiting, then by id."""
    rows: dict[str, dict[str, Any]] = {}
    for c in counts:
        rows[c.owner_id] = {
            "owner_id": c.owner_id,
            "team": c.team,
            "open_cases": c.open_cases,
            "person_requests": c.person_requests,
            "handovers_offered": 0,
            "overdue_referrals": c.overdue_referrals,
        }
    for owner_id, n in offered.items():
        row = rows.setdefault(
            owner_id,
            {
                "owner_id": owner_id,
                "team": None,
                "open_cases": 0,
                "person_requests": 0,
                "handovers_offered": 0,
                "overdue_referrals": 0,
            },
        )
        row["handovers_offered"] += n
    for row in rows.values():
        row["waiting"] = row["person_requests"] + row["handovers_offered"]
    return sorted(rows.values(), key=lambda r: (-r["open_cases"], -r["waiting"], r["owner_id"]))
