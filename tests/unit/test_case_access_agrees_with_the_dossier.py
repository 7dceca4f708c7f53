"""Every service decides who may see a case with the kit's `case_access.decide`: routing,
intake and notify on the `CaseAccess` they fold from `case.events` (`case_access.apply`), the
dossier (`sharing.decide`) on the facts of its own projection (`sharing.access_of`). Over any
history of ownership, sharing and mandate facts, the fold and the projection give the same
answer on the same basis, for every caller and every kind of data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import (
    BuddyAssigned,
    BuddyRecommended,
    CaseHandedOver,
    CaseReassigned,
    CaseReleased,
    ConsentGranted,
    ConsentRevoked,
    HandoverCancelled,
    HandoverDeclined,
    HandoverRequested,
    IntakeSubmitted,
    MandateGranted,
    MandateRevoked,
    Reason,
)
from voorportaal_contracts.registry import Event
from voorportaal_dossier.domain.projection import apply_all
from voorportaal_dossier.domain.sharing import (
    NEVER_FOR_AGENCIES,
    QUEUE_KINDS,
    REQUIRED_SCOPE,
    DataKind,
)
from voorportaal_dossier.domain.sharing import decide as dossier_decide
from voorportaal_kit import case_access
from voorportaal_kit.auth import Principal

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CASE = "case-000001"
OTHER = "case-000002"


def _p(subject: str, *roles: str, team: str | None = None, case_id: str | None = None) -> Principal:
    return Principal(subject=subject, roles=frozenset(roles), team=team, case_id=case_id)


CALLERS = [
    _p("cm-a", "casemanager", team="noord"),
    _p("cm-b", "casemanager", team="noord"),
    _p("cm-c", "casemanager", team="zuid"),
    _p("cm-d", "casemanager"),
    _p("sv-1", "supervisor", team="zuid"),
    _p("uwv-1", "agency:uwv"),
    _p("svb-1", "agency:svb"),
    _p("op-1", "operator"),
    _p("wijk-1", "signaleerder"),
    _p("intake:1", "citizen", case_id=CASE),
    _p("intake:2", "citizen", case_id=OTHER),
    _p("representative:m-1", "citizen", case_id=CASE),
    _p("representative:m-2", "citizen", case_id=CASE),
]

REASON = Reason(rule="acute_risk", nl="Er is een acuut risico.", en="There is an acute risk.")


def _facts(minute: int) -> list[Event]:
    at = T0 + timedelta(minutes=minute)
    week = at + timedelta(days=7)
    return [
        BuddyRecommended(case_id=CASE, reasons=[REASON], recommended_at=at),
        BuddyAssigned(
            case_id=CASE, casemanager_id="cm-a", casemanager_name="A", assigned_at=at, team="noord"
        ),
        BuddyAssigned(case_id=CASE, casemanager_id="cm-d", casemanager_name="D", assigned_at=at),
        HandoverRequested(
            case_id=CASE,
            from_casemanager_id="cm-a",
            to_casemanager_id="cm-c",
            to_casemanager_name="C",
            to_team="zuid",
            requested_at=at,
        ),
        HandoverDeclined(
            case_id=CASE, from_casemanager_id="cm-a", to_casemanager_id="cm-c", declined_at=at
        ),
        HandoverCancelled(
            case_id=CASE,
            from_casemanager_id="cm-a",
            to_casemanager_id="cm-c",
            cancelled_by="cm-a",
            cancelled_at=at,
        ),
        CaseHandedOver(
            case_id=CASE,
            from_casemanager_id="cm-a",
            to_casemanager_id="cm-c",
            to_casemanager_name="C",
            handed_over_at=at,
            to_team="zuid",
        ),
        CaseReleased(case_id=CASE, casemanager_id="cm-a", released_by="cm-a", released_at=at),
        CaseReassigned(
            case_id=CASE,
            to_casemanager_id="cm-b",
            to_casemanager_name="B",
            to_team="noord",
            reassigned_by="sv-1",
            reassigned_at=at,
        ),
        ConsentGranted(
            case_id=CASE, grant_id="g-1", agency_code="uwv", scopes=["summary"], valid_until=week
        ),
        ConsentGranted(
            case_id=CASE,
            grant_id="g-2",
            agency_code="uwv",
            scopes=["summary", "documents", "identity"],
            valid_from=at + timedelta(minutes=30),
            valid_until=at + timedelta(hours=2),
        ),
        ConsentRevoked(case_id=CASE, grant_id="g-1", agency_code="uwv", revoked_at=at),
        MandateGranted(
            case_id=CASE,
            mandate_id="m-1",
            relation="family",
            scopes=["summary", "act_on_behalf"],
            valid_from=at,
            valid_until=week,
            granted_by="citizen",
        ),
        MandateGranted(
            case_id=CASE,
            mandate_id="m-2",
            relation="bewindvoerder",
            scopes=["documents"],
            valid_from=at,
            valid_until=at + timedelta(hours=1),
            granted_by="citizen",
        ),
        MandateRevoked(case_id=CASE, mandate_id="m-1", revoked_by="citizen", revoked_at=at),
    ]


_FACT_COUNT = len(_facts(0))


def _submitted() -> IntakeSubmitted:
    return IntakeSubmitted(
        case_id=CASE,
        intake_id="intake-1",
        life_events=["income_loss"],
        channel="web",
        redzaamheid="middengroep",
        urgency="normal",
        needs=["income"],
        submitted_at=T0,
    )


@settings(max_examples=150, deadline=None)
@given(
    history=st.lists(st.integers(0, _FACT_COUNT - 1), max_size=8),
    later=st.integers(0, 60 * 24 * 10),
)
def test_the_kit_and_the_dossier_decide_alike_on_any_history(
    history: list[int], later: int
) -> None:
    envelopes = [Envelope(_submitted(), source="/test", time=T0)]
    access = case_access.CaseAccess(CASE)
    granted: set[str] = set()
    for minute, index in enumerate(history):
        fact = _facts(minute)[index]
        # The dossier revokes only what it granted; the kit also remembers a revocation that
        # arrives first (test_a_revocation_that_arrives_before_its_grant_still_wins).
        if (
            isinstance(fact, ConsentRevoked | MandateRevoked)
            and (getattr(fact, "grant_id", None) or getattr(fact, "mandate_id", None))
            not in granted
        ):
            continue
        if isinstance(fact, ConsentGranted):
            granted.add(fact.grant_id)
        if isinstance(fact, MandateGranted):
            granted.add(fact.mandate_id)
        time = T0 + timedelta(minutes=minute)
        envelopes.append(Envelope(fact, source="/test", time=time))
        access = case_access.apply(access, fact, time)
    dossier_case = apply_all(envelopes)[CASE]
    now = T0 + timedelta(minutes=later)
    for caller in CALLERS:
        for kind in DataKind:
            theirs = dossier_decide(caller, dossier_case, kind, now, team=caller.team)
            ours = case_access.decide(
                caller,
                access,
                REQUIRED_SCOPE[kind],
                now,
                data_kind=kind.value,
                queue_visible=kind in QUEUE_KINDS,
                agencies_may=kind not in NEVER_FOR_AGENCIES,
            )
            where: dict[str, Any] = {"caller": caller.subject, "kind": kind.value}
            assert (ours.allowed, ours.basis) == (theirs.allowed, theirs.basis), where
            assert ours.reason == theirs.reason, where
