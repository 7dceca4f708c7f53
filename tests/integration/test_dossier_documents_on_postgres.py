"""Documents on PostgreSQL: a file stored once for two cases survives the retention of one case
while an upload of the same file to the other is still in flight (the removal waits for that
upload's transaction and then finds its row)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from live_service import project
from sqlalchemy import select

from voorportaal_dossier.adapters.orm import cases
from voorportaal_dossier.app import definition
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import Principal
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_kit.testing import buddy_recommended, intake_submitted

pytestmark = pytest.mark.integration
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANNA = Actor(Principal(subject="cm-anna", roles=frozenset({"casemanager"})), "team-noord")
MINE, THEIRS = "vp-docs-race-0001", "vp-docs-race-0002"


async def _case(dossier: DossierService, runtime: ServiceRuntime, case_id: str) -> None:
    intake = intake_submitted(case_id, START, risks=[], share_with=[])
    buddy = buddy_recommended(case_id, START, rule="acute_risk", nl="Acuut.", en="Acute.")
    await project(runtime, [intake, buddy], START)
    await dossier.ownership.claim(ANNA, case_id)


async def test_a_file_shared_by_hash_survives_retention_while_an_upload_of_it_is_in_flight(
    pg_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = DossierSettings(
        data_dir=tmp_path,
        database_url=pg_database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        teams={"cm-anna": "team-noord"},
        retention_days=30,
    )
    clock = FixedClock(START)
    runtime = ServiceRuntime(definition(settings), clock=clock)
    await asyncio.to_thread(runtime.migrate)
    dossier: DossierService = runtime.state["dossier"]
    try:
        await _case(dossier, runtime, MINE)
        await _case(dossier, runtime, THEIRS)
        kw: dict[str, Any] = {"filename": "brief.pdf", "title": None, "shared_with": []}
        mine = await dossier.documents.upload(ANNA, MINE, content=PDF, **kw)
        await dossier.retention.close(ANNA, MINE, outcome="completed")
        clock.advance(timedelta(days=31))

        async def anonymised() -> bool:
            async with runtime.sessions() as session:
                at = await session.scalar(
                    select(cases.c.anonymised_at).where(cases.c.case_id == MINE)
                )
            return at is not None

        original = audit_log.append
        holding = asyncio.Event()

        async def hold_the_upload(session: Any, records: Any) -> Any:
            # The second upload has stored its row (not committed yet): let retention of the
            # first case run to its commit before this transaction goes on.
            if any(r.purpose == "upload" and r.case_id == THEIRS for r in records):
                holding.set()
                deadline = asyncio.get_running_loop().time() + 30
                while not await anonymised():
                    assert asyncio.get_running_loop().time() < deadline, "retention never ran"
                    await asyncio.sleep(0.05)
            return await original(session, records)

        monkeypatch.setattr(audit_log, "append", hold_the_upload)
        upload = asyncio.create_task(dossier.documents.upload(ANNA, THEIRS, content=PDF, **kw))
        await asyncio.wait_for(holding.wait(), 30)
        assert await asyncio.wait_for(dossier.retention.retention_sweep(), 60) == 1
        theirs = await asyncio.wait_for(upload, 60)
        assert theirs["sha256"] == mine["sha256"]
        _meta, content = await dossier.documents.download(ANNA, THEIRS, theirs["id"])
        assert content == PDF
    finally:
        await runtime.engine.dispose()
