"""The upgrade to one agency per municipality: referrals stored for the bare `gemeente` (which
has no topic any more) name their citizen's municipality's agency, or become self-contact."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from voorportaal_kit.migrations import upgrade
from voorportaal_routing.app import MIGRATIONS

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _filled(table: sa.Table, **given: Any) -> dict[str, Any]:
    """A row with every NOT NULL column filled (the test only cares about `given`)."""
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.nullable or column.name in given:
            continue
        python = (
            getattr(column.type, "python_type", None)
            if not isinstance(column.type, sa.JSON)
            else list
        )
        row[column.name] = {str: "x", int: 1, bool: False, list: []}.get(python, NOW)
    return {**row, **given}


def test_referrals_to_the_bare_gemeente_name_the_citizens_municipality_or_become_self_contact(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'routing.db'}"  # the services' driver
    upgrade(MIGRATIONS, url, "routing_0003")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'routing.db'}")
    meta = sa.MetaData()
    meta.reflect(engine)
    cases, referrals = meta.tables["routing_cases"], meta.tables["referrals"]
    with engine.begin() as db:
        for case_id, municipality in (("c-ams", "GM0363"), ("c-none", None), ("c-far", "GM0000")):
            facts = {"life_events": ["divorce"], "redzaamheid": "middengroep"}
            if municipality:
                facts["municipality_code"] = municipality
            db.execute(cases.insert().values(_filled(cases, case_id=case_id, facts=facts)))
        for referral_id, case_id, agency in (
            ("r-ams", "c-ams", "gemeente"),
            ("r-ams-uwv", "c-ams", "uwv"),
            ("r-none", "c-none", "schuldhulp"),
            ("r-far", "c-far", "wijkteam"),
        ):
            values = _filled(
                referrals,
                id=referral_id,
                case_id=case_id,
                agency_code=agency,
                mode="anonymous",
                due_at=NOW,
            )
            db.execute(referrals.insert().values(values))
    upgrade(MIGRATIONS, url)
    with engine.connect() as db:
        found = {
            r.id: (r.agency_code, r.mode, r.due_at is not None)
            for r in db.execute(sa.select(referrals))
        }
    engine.dispose()
    assert found == {
        "r-ams": ("gemeente-gm0363", "anonymous", True),
        "r-ams-uwv": ("uwv", "anonymous", True),
        "r-none": ("schuldhulp", "self_contact", False),
        "r-far": ("wijkteam", "self_contact", False),
    }
