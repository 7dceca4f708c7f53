"""The kit's per-case decision outside the dossier: what only routing and intake need (changes,
staff actions, whoever started an intake), the fold from `case.events`, and the audited
transaction that keeps a refusal in the log while rolling back everything else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyAssigned,
    ConsentGranted,
    ConsentRevoked,
    MandateGranted,
)
from voorportaal_contracts.types import SharingScope
from voorportaal_kit import case_access
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.audit_log import AuditLog, AuditTrail
from voorportaal_kit.auth import Principal
from voorportaal_kit.case_access import CaseAccess, CaseAccessStore, audit_record, decide
from voorportaal_kit.clock import FixedClock
from voorportaal_kit.db import create_engine, create_sessions, new_metadata
from voorportaal_kit.errors import Forbidden
from voorportaal_kit.tables import audit_table, case_access_table, kit_metadata

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CASE = "case-000001"
OWNER = Principal("cm-a", frozenset({"casemanager"}), team="noord")
TEAMMATE = Principal("cm-b", frozenset({"casemanager"}), team="noord")
SUPERVISOR = Principal("sv-1", frozenset({"supervisor"}))
UWV = Principal("uwv-1", frozenset({"agency:uwv"}))
CITIZEN = Principal("intake:1", frozenset({"citizen"}), case_id=CASE)
FAMILY = Principal("representative:m-1", frozenset({"citizen"}), case_id=CASE)

metadata = new_metadata()
ACCESS = case_access_table(metadata, "demo_case_access")
AUDIT = audit_table(metadata, "demo_audit_log")


def owned() -> CaseAccess:
    event = BuddyAssigned(
        case_id=CASE, casemanager_id="cm-a", casemanager_name="A", assigned_at=T0, team="noord"
    )
    return case_access.apply(CaseAccess(CASE), event, T0)


def allowed(principal: Principal, case: CaseAccess, **kw: object) -> bool:
    return decide(principal, case, SharingScope.SUMMARY, T0, data_kind="referrals", **kw).allowed  # type: ignore[arg-type]


def test_a_change_needs_the_owner_the_team_or_a_supervisor() -> None:
    case = owned()
    for who in (OWNER, TEAMMATE, SUPERVISOR):
        assert allowed(who, case, change=True, staff_only=True)
    handover = Principal("cm-c", frozenset({"casemanager"}), team="zuid")
    assert not allowed(handover, case, change=True)
    assert not allowed(UWV, case, change=True)


def test_a_staff_action_is_refused_to_the_citizen_and_agencies_even_with_access() -> None:
    case = case_access.apply(
        owned(),
        ConsentGranted(
            case_id=CASE,
            grant_id="g-1",
            agency_code="uwv",
            scopes=["summary"],
            valid_until=T0 + timedelta(days=1),
        ),
        T0,
    )
    assert allowed(CITIZEN, case) and allowed(UWV, case)
    refused = decide(
        CITIZEN, case, SharingScope.SUMMARY, T0, data_kind="referrals", change=True, staff_only=True
    )
    assert refused.reason == "only a casemanager or supervisor does this"
    assert not allowed(UWV, case, change=True, staff_only=True)


def test_whoever_started_an_intake_for_the_citizen_continues_it() -> None:
    case = CaseAccess(CASE)
    desk = Principal("cm-z", frozenset({"casemanager"}))
    wijkteam = Principal("wijk-1", frozenset({"signaleerder"}))
    assert allowed(desk, case, change=True, starter="cm-z")
    assert allowed(wijkteam, case, change=True, starter="wijk-1")
    assert not allowed(wijkteam, case, starter="someone-else")
    assert not allowed(desk, case, change=True)


def test_a_representative_changes_only_with_an_act_on_behalf_mandate() -> None:
    def mandate(scopes: list[str]) -> CaseAccess:
        event = MandateGranted(
            case_id=CASE,
            mandate_id="m-1",
            relation="family",
            scopes=scopes,
            valid_from=T0,
            valid_until=T0 + timedelta(days=1),
            granted_by="citizen",
        )
        return case_access.apply(CaseAccess(CASE), event, T0)

    assert allowed(FAMILY, mandate(["summary"]))
    assert not allowed(FAMILY, mandate(["summary"]), change=True)
    assert allowed(FAMILY, mandate(["summary", "act_on_behalf"]), change=True)


def test_a_revocation_that_arrives_before_its_grant_still_wins() -> None:
    revoked = ConsentRevoked(case_id=CASE, grant_id="g-1", agency_code="uwv", revoked_at=T0)
    granted = ConsentGranted(
        case_id=CASE,
        grant_id="g-1",
        agency_code="uwv",
        scopes=["summary"],
        valid_until=T0 + timedelta(days=1),
    )
    case = case_access.apply(case_access.apply(CaseAccess(CASE), revoked), granted, T0)
    decision = decide(UWV, case, SharingScope.SUMMARY, T0, data_kind="referrals")
    assert decision.reason == "the sharing grant was revoked"


def test_the_stored_form_round_trips() -> None:
    case = case_access.apply(
        owned(),
        ConsentRevoked(case_id=CASE, grant_id="g-9", agency_code="uwv", revoked_at=T0),
    )
    assert case_access.load(CASE, case_access.dump(case)) == case


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/access.db")
    async with engine.begin() as conn:
        await conn.run_sync(kit_metadata.create_all)
        await conn.run_sync(metadata.create_all)
    yield create_sessions(engine)
    await engine.dispose()


async def test_the_store_folds_case_events_and_answers_for_unknown_cases(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = CaseAccessStore(ACCESS)
    assigned = BuddyAssigned(
        case_id=CASE, casemanager_id="cm-a", casemanager_name="A", assigned_at=T0, team="noord"
    )
    async with sessions.begin() as session:
        await store.on_event(session, Envelope(assigned, source="/test", time=T0))
        await store.on_event(session, Envelope(assigned, source="/test", time=T0))
    async with sessions() as session:
        assert await store.get(session, CASE) == owned()
        assert await store.get(session, "case-unknown") == CaseAccess("case-unknown")


async def test_a_refusal_is_audited_and_published_while_the_rest_rolls_back(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    trail = AuditTrail(AuditLog(AUDIT), FixedClock(T0), source="/test", service="demo")
    stranger = Principal("cm-x", frozenset({"casemanager"}), team="zuid")
    decision = decide(stranger, owned(), SharingScope.SUMMARY, T0, data_kind="referrals")
    record = audit_record(
        stranger, CASE, "referrals", "referral_history", AuditAction.READ, decision, T0
    )

    async def refused_read() -> None:
        async with trail.transaction(sessions) as session:
            await session.execute(
                text("INSERT INTO demo_case_access VALUES ('x', '{}', '2026-01-01')")
            )
            await trail.check(session, record, allowed=decision.allowed)

    with pytest.raises(Forbidden, match="not the owner"):
        await refused_read()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ACCESS)) == 0
        (stored,) = await trail.log.query(session)
        events = (await session.execute(text("SELECT topic, event_type, value FROM outbox"))).all()
    assert (stored.actor, stored.outcome.value, stored.basis) == ("cm-x", "refused", "none")
    assert [(t, k) for t, k, _ in events] == [("access.log", "nl.voorportaal.audit.accessed")]
    assert b'"record_seq":1' in bytes(events[0][2]) and b'"service":"demo"' in bytes(events[0][2])


async def test_an_allowed_steps_record_joins_the_chain_when_the_use_case_ends(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    trail = AuditTrail(AuditLog(AUDIT), FixedClock(T0), source="/test", service="demo")
    decision = decide(OWNER, owned(), SharingScope.SUMMARY, T0, data_kind="referrals")
    record = audit_record(
        OWNER, CASE, "referrals", "referral_history", AuditAction.READ, decision, T0
    )
    async with trail.transaction(sessions) as session:
        await trail.check(session, record, allowed=decision.allowed)
        # Not yet: the chain's lock is taken only at the end, and held just until commit.
        assert await trail.log.head(session) is None
    async with sessions() as session:
        (stored,) = await trail.log.query(session)
    assert (stored.actor, stored.outcome.value, stored.basis) == ("cm-a", "allowed", "owner")


async def test_a_batch_folds_to_what_one_event_at_a_time_folds(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    one_by_one = CaseAccessStore(ACCESS)
    later = T0 + timedelta(minutes=5)
    facts = [
        BuddyAssigned(
            case_id=CASE, casemanager_id="cm-a", casemanager_name="A", assigned_at=T0, team="noord"
        ),
        ConsentGranted(
            case_id="case-000002",
            grant_id="g-2",
            agency_code="svb",
            scopes=["summary"],
            valid_until=later + timedelta(days=1),
        ),
        ConsentRevoked(case_id=CASE, grant_id="g-9", agency_code="uwv", revoked_at=later),
    ]
    envelopes = [Envelope(f, source="/test", time=T0) for f in facts]
    async with sessions.begin() as session:
        for envelope in envelopes[:1]:
            await one_by_one.on_event(session, envelope)
    async with sessions.begin() as session:
        await one_by_one.on_events(session, envelopes[1:])  # one case known, one new
    async with sessions() as session:
        folded = {c: await one_by_one.get(session, c) for c in (CASE, "case-000002")}
    expected = {CASE: CaseAccess(CASE), "case-000002": CaseAccess("case-000002")}
    for envelope in envelopes:
        expected[envelope.subject] = case_access.apply(
            expected[envelope.subject], envelope.data, envelope.time
        )
    assert folded == expected
    assert set(one_by_one.batch_handlers({ConsentGranted: one_by_one.on_event})) == set(
        case_access.ACCESS_EVENTS
    ) - {ConsentGranted}
