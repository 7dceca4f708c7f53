"""The dossier's audit chain anchored: checkpoints of the head kept outside the database, so
that deleting the newest records (or rewriting the newest with a fresh hash) is found by verify
(the checkpoint format itself is tested with the kit's audit code)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from dossier_factories import CASE, T0, at
from pydantic import ValidationError
from sqlalchemy import delete, func, select, update

from voorportaal_dossier.adapters.orm import audit_log
from voorportaal_dossier.app import definition
from voorportaal_dossier.service_layer import audit_log as audit_store
from voorportaal_dossier.service_layer.dossier import DossierService
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit import audit
from voorportaal_kit.audit import AuditAction, AuditRecord
from voorportaal_kit.audit_log import AnchorFile
from voorportaal_kit.auth import AuthSettings, generate_staff_key_pair
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.runtime import ServiceRuntime

KEY = b"k" * 32


def entry(n: int) -> AuditRecord:
    return audit.record(
        at=at(n),
        actor=f"cm-{n % 3}",
        role="casemanager",
        case_id=CASE,
        data_kind="summary",
        purpose="coordination",
        action=AuditAction.READ,
        allowed=True,
        basis="owner",
        reason="owner of the case",
    )


LOG = audit.chain(entry(n) for n in range(1, 11))


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    settings = DossierSettings(
        data_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1", audit_anchor_key=KEY.decode()
    )
    runtime = ServiceRuntime(definition(settings), clock=FixedClock(T0))
    await asyncio.to_thread(runtime.migrate)
    yield runtime
    await runtime.engine.dispose()


async def _append(runtime: ServiceRuntime, records: list[AuditRecord]) -> None:
    async with runtime.sessions.begin() as session:
        await audit_store.append(session, records)


async def _verify(runtime: ServiceRuntime, anchors: AnchorFile) -> set[str]:
    async with runtime.sessions() as session:
        return {p.kind for p in await audit_store.verify_session(session, anchors, KEY)}


async def test_deleting_the_newest_records_is_found_by_verify_with_the_anchor(
    runtime: ServiceRuntime, tmp_path: Path
) -> None:
    dossier: DossierService = runtime.state["dossier"]
    anchors = AnchorFile(tmp_path / "audit-anchors.jsonl")
    await _append(runtime, [entry(n) for n in range(1, 9)])
    assert await dossier.audit.anchor_audit() == 8
    assert await dossier.audit.anchor_audit() is None, "nothing new: no second checkpoint"
    await _append(runtime, [entry(n) for n in range(9, 11)])
    assert await _verify(runtime, anchors) == set(), "records after the checkpoint are fine"
    assert await dossier.audit.anchor_audit() == 10
    assert len(anchors.lines()) == 2

    async with runtime.sessions.begin() as session:
        await session.execute(delete(audit_log).where(audit_log.c.seq > 7))
        remaining = await session.scalar(select(func.count()).select_from(audit_log))
    assert remaining == 7
    async with runtime.sessions() as session:
        assert await audit_store.verify_session(session) == [], "the chain alone misses it"
    assert await _verify(runtime, anchors) == {"truncated"}
    assert await dossier.audit.anchor_audit() is None, "a shorter log is never anchored"


async def test_a_rewritten_newest_record_and_a_lost_anchor_are_found(
    runtime: ServiceRuntime, tmp_path: Path
) -> None:
    dossier: DossierService = runtime.state["dossier"]
    anchors = AnchorFile(tmp_path / "audit-anchors.jsonl")
    await _append(runtime, [entry(n) for n in range(1, 6)])
    await dossier.audit.anchor_audit()
    async with runtime.sessions.begin() as session:
        newest = audit.decode(
            (await session.scalar(select(audit_log.c.record).where(audit_log.c.seq == 5))).encode()
        )
        fourth = audit.decode(
            (await session.scalar(select(audit_log.c.record).where(audit_log.c.seq == 4))).encode()
        )
        forged = audit.seal(replace(newest, actor="cm-9", hash="", prev_hash=""), fourth)
        await session.execute(
            update(audit_log)
            .where(audit_log.c.seq == 5)
            .values(actor="cm-9", record=audit.encode(forged).decode())
        )
    async with runtime.sessions() as session:
        assert await audit_store.verify_session(session) == []
    assert await _verify(runtime, anchors) == {"head_mismatch"}
    anchors.path.unlink()
    assert await _verify(runtime, anchors) == {"anchor_missing"}


def test_the_development_anchor_key_is_refused_in_production(tmp_path: Path) -> None:
    auth = AuthSettings(
        algorithms=["HS256"],
        hs256_secret="z" * 40,
        hs256_staff_tokens=False,
        staff_public_key_pem=generate_staff_key_pair()[1].decode(),
    )
    with pytest.raises(ValidationError, match="audit_anchor_key: development default"):
        DossierSettings(
            data_dir=tmp_path, environment="production", citizen_link_key="x" * 40, auth=auth
        )
    settings = DossierSettings(
        data_dir=tmp_path,
        environment="production",
        citizen_link_key="x" * 40,
        audit_anchor_key="y" * 40,
        auth=auth,
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="voorportaal-dossier",
        kafka_sasl_password="kafka-password-of-production",
    )
    assert settings.anchor_key == b"y" * 40
    assert settings.effective_audit_anchor_file == tmp_path / "audit-anchors.jsonl"
