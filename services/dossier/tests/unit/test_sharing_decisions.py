"""`decide`: every role and every grant situation, and who may change the sharing choices."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from dossier_factories import CASE, OTHER_CASE, at, principal

from voorportaal_contracts.types import Channel, RepresentativeRelation, SharingScope
from voorportaal_dossier.domain import sharing
from voorportaal_dossier.domain.errors import InvalidInput, NotAllowed
from voorportaal_dossier.domain.ownership import Ownership, OwnershipStatus, StaffMember
from voorportaal_dossier.domain.projection import CaseState
from voorportaal_dossier.domain.sharing import DataKind, Grant, Mandate, decide

S = SharingScope
NOW = at(days=10)
SUMMARY = frozenset({S.SUMMARY})


def grant(grant_id: str, agency: str, scopes: frozenset[S] = SUMMARY, **changes: Any) -> Grant:
    return replace(Grant(grant_id, agency, scopes, at(0), at(days=30)), **changes)


def mandate(mandate_id: str, scopes: frozenset[S], **changes: Any) -> Mandate:
    base = Mandate(mandate_id, RepresentativeRelation.BEWINDVOERDER, scopes, at(0), at(days=30))
    return replace(base, **changes)


CASE_STATE = replace(
    CaseState.new(CASE),
    ownership=Ownership(
        CASE, OwnershipStatus.OWNED, StaffMember("cm-anna", "Anna", "team-noord"), at(0)
    ),
    grants=(
        grant("g-uwv", "uwv"),
        grant("g-svb", "svb", valid_until=at(days=5)),
        grant("g-toeslagen", "toeslagen", revoked_at=at(days=2)),
        grant("g-cak", "cak", valid_from=at(days=20)),
        grant("g-duo", "duo", frozenset({S.DOCUMENTS})),
        # A revoked old grant beside a current one: the current one counts.
        grant("g-gem-old", "gemeente", revoked_at=at(days=1)),
        grant("g-gem", "gemeente", frozenset({S.SUMMARY, S.DOCUMENTS})),
        grant("g-cak-id", "cak-id", frozenset({S.SUMMARY, S.IDENTITY})),
    ),
    mandates=(
        mandate("m-ok", frozenset({S.SUMMARY, S.ACT_ON_BEHALF})),
        mandate("m-docs", frozenset({S.DOCUMENTS})),
        mandate("m-old", frozenset({S.SUMMARY}), valid_until=at(days=5)),
        mandate("m-gone", frozenset({S.SUMMARY}), revoked_at=at(days=3)),
    ),
)
QUEUED = replace(CASE_STATE, ownership=Ownership(CASE, OwnershipStatus.RECOMMENDED))

ANNA = principal("cm-anna", "casemanager")
CEES = principal("cm-cees", "casemanager")
CITIZEN = principal("intake:1", "citizen", case_id=CASE)


def rep(mandate_id: str) -> Any:
    return principal(sharing.representative_subject(mandate_id), "citizen", case_id=CASE)


# (name, case, principal, team, kind, allowed, basis, reason fragment)
MATRIX: list[tuple[str, CaseState, Any, str | None, DataKind, bool, str, str]] = [
    ("owner reads identity", CASE_STATE, ANNA, None, DataKind.IDENTITY, True, "owner", ""),
    ("owner reads audit log", CASE_STATE, ANNA, None, DataKind.AUDIT_LOG, True, "owner", ""),
    ("team reads documents", CASE_STATE, CEES, "team-noord", DataKind.DOCUMENTS, True, "team", ""),
    (
        "other team refused",
        CASE_STATE,
        CEES,
        "team-zuid",
        DataKind.SUMMARY,
        False,
        "none",
        "not the owner",
    ),
    ("no team refused", CASE_STATE, CEES, None, DataKind.SUMMARY, False, "none", "not the owner"),
    ("queue shows summary", QUEUED, CEES, None, DataKind.SUMMARY, True, "queue", ""),
    ("queue shows timeline", QUEUED, CEES, None, DataKind.TIMELINE, True, "queue", ""),
    ("queue hides identity", QUEUED, CEES, None, DataKind.IDENTITY, False, "none", "queue"),
    ("queue hides documents", QUEUED, CEES, None, DataKind.DOCUMENTS, False, "none", "queue"),
    (
        "supervisor",
        CASE_STATE,
        principal("sv", "supervisor"),
        None,
        DataKind.AUDIT_LOG,
        True,
        "supervisor",
        "",
    ),
    (
        "operator refused",
        CASE_STATE,
        principal("op", "operator"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "operators",
    ),
    (
        "signaleerder refused",
        CASE_STATE,
        principal("wt", "signaleerder"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "signaleerder",
    ),
    (
        "no role refused",
        CASE_STATE,
        principal("x", "casemanager"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "",
    ),
    ("citizen own case", CASE_STATE, CITIZEN, None, DataKind.AUDIT_LOG, True, "citizen", ""),
    (
        "citizen other case",
        CASE_STATE,
        principal("intake:2", "citizen", case_id=OTHER_CASE),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "another case",
    ),
    (
        "citizen with staff role held to case",
        CASE_STATE,
        principal("x", "citizen", "supervisor", case_id=OTHER_CASE),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "another case",
    ),
    (
        "agency current grant",
        CASE_STATE,
        principal("u", "agency:uwv"),
        None,
        DataKind.SUMMARY,
        True,
        "grant:g-uwv",
        "",
    ),
    (
        "summary does not unlock identity",
        CASE_STATE,
        principal("u", "agency:uwv"),
        None,
        DataKind.IDENTITY,
        False,
        "none",
        "does not cover identity",
    ),
    (
        "agency identity grant covers identity",
        CASE_STATE,
        principal("u", "agency:cak-id"),
        None,
        DataKind.IDENTITY,
        True,
        "grant:g-cak-id",
        "",
    ),
    (
        "agency scope mismatch",
        CASE_STATE,
        principal("u", "agency:uwv"),
        None,
        DataKind.DOCUMENTS,
        False,
        "none",
        "does not cover documents",
    ),
    (
        "agency documents-only reads summary",
        CASE_STATE,
        principal("d", "agency:duo"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "does not cover summary",
    ),
    (
        "agency documents-only reads documents",
        CASE_STATE,
        principal("d", "agency:duo"),
        None,
        DataKind.DOCUMENTS,
        True,
        "grant:g-duo",
        "",
    ),
    (
        "agency expired grant",
        CASE_STATE,
        principal("s", "agency:svb"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "has expired",
    ),
    (
        "agency revoked grant",
        CASE_STATE,
        principal("t", "agency:toeslagen"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "was revoked",
    ),
    (
        "agency grant not yet valid",
        CASE_STATE,
        principal("c", "agency:cak"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "not valid yet",
    ),
    (
        "agency without grant",
        CASE_STATE,
        principal("b", "agency:belastingdienst"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "not shared",
    ),
    (
        "agency current beside revoked",
        CASE_STATE,
        principal("g", "agency:gemeente"),
        None,
        DataKind.DOCUMENTS,
        True,
        "grant:g-gem",
        "",
    ),
    (
        "agency never reads audit log",
        CASE_STATE,
        principal("g", "agency:gemeente"),
        None,
        DataKind.AUDIT_LOG,
        False,
        "none",
        "never",
    ),
    (
        "agency never reads sharing",
        CASE_STATE,
        principal("g", "agency:gemeente"),
        None,
        DataKind.SHARING,
        False,
        "none",
        "never",
    ),
    (
        "representative with mandate",
        CASE_STATE,
        rep("m-ok"),
        None,
        DataKind.SUMMARY,
        True,
        "mandate:m-ok",
        "",
    ),
    (
        "representative acts on behalf",
        CASE_STATE,
        rep("m-ok"),
        None,
        DataKind.AUDIT_LOG,
        True,
        "mandate:m-ok",
        "",
    ),
    (
        "representative scope mismatch",
        CASE_STATE,
        rep("m-ok"),
        None,
        DataKind.DOCUMENTS,
        False,
        "none",
        "does not cover documents",
    ),
    (
        "representative documents only",
        CASE_STATE,
        rep("m-docs"),
        None,
        DataKind.SHARING,
        False,
        "none",
        "does not cover act_on_behalf",
    ),
    (
        "representative expired mandate",
        CASE_STATE,
        rep("m-old"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "has expired",
    ),
    (
        "representative revoked mandate",
        CASE_STATE,
        rep("m-gone"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "was revoked",
    ),
    (
        "representative unknown mandate",
        CASE_STATE,
        rep("m-nope"),
        None,
        DataKind.SUMMARY,
        False,
        "none",
        "no mandate",
    ),
]


@pytest.mark.parametrize(
    ("case", "who", "team", "kind", "allowed", "basis", "why"),
    [row[1:] for row in MATRIX],
    ids=[row[0] for row in MATRIX],
)
def test_decide(
    case: CaseState,
    who: Any,
    team: str | None,
    kind: DataKind,
    allowed: bool,
    basis: str,
    why: str,
) -> None:
    decision = decide(who, case, kind, NOW, team=team)
    assert decision.allowed is allowed
    assert decision.basis == basis
    assert why in decision.reason
    assert decision.reason


def test_a_grant_stops_counting_the_moment_it_expires() -> None:
    agency = principal("s", "agency:svb")
    assert decide(agency, CASE_STATE, DataKind.SUMMARY, at(days=5, minutes=-1)).allowed
    assert not decide(agency, CASE_STATE, DataKind.SUMMARY, at(days=5)).allowed


def test_the_citizen_grants_through_their_link() -> None:
    new, event = sharing.grant(
        CASE_STATE,
        CITIZEN,
        grant_id="g-new",
        agency_code="svb",
        terms=sharing.Terms(SUMMARY, NOW, at(days=40), NOW),
    )
    assert new.granted_by is sharing.GrantedBy.CITIZEN
    assert (event.grant_id, event.agency_code, event.scopes) == ("g-new", "svb", [S.SUMMARY])
    shared = replace(CASE_STATE, grants=(*CASE_STATE.grants, new))
    assert decide(principal("s", "agency:svb"), shared, DataKind.SUMMARY, NOW).allowed


def test_a_casemanager_records_a_grant_on_the_citizens_behalf_with_the_channel() -> None:
    new, _ = sharing.grant(
        CASE_STATE,
        ANNA,
        grant_id="g-phone",
        agency_code="cjib",
        terms=sharing.Terms(SUMMARY, NOW, at(days=40), NOW, channel=Channel.PHONE),
    )
    assert (new.granted_by, new.recorded_by, new.channel) == (
        sharing.GrantedBy.CASEMANAGER,
        "cm-anna",
        Channel.PHONE,
    )


def test_a_casemanager_must_say_how_the_citizen_made_the_choice() -> None:
    with pytest.raises(InvalidInput) as refused:
        sharing.grant(
            CASE_STATE,
            ANNA,
            grant_id="g",
            agency_code="cjib",
            terms=sharing.Terms(SUMMARY, NOW, at(days=40), NOW),
        )
    assert refused.value.field == "channel"


@pytest.mark.parametrize(
    "who",
    [
        principal("u", "agency:uwv"),
        CEES,
        principal("intake:2", "citizen", case_id=OTHER_CASE),
        rep("m-docs"),
    ],
)
def test_others_cannot_share_the_dossier(who: Any) -> None:
    with pytest.raises(NotAllowed):
        sharing.grant(
            CASE_STATE,
            who,
            grant_id="g",
            agency_code="cjib",
            terms=sharing.Terms(SUMMARY, NOW, at(days=40), NOW, channel=Channel.PHONE),
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scopes": frozenset()}, "scopes"),
        ({"agency_code": "UWV!"}, "agency_code"),
        ({"valid_until": at(days=9)}, "valid_until"),
        ({"valid_until": at(days=400)}, "valid_until"),
    ],
)
def test_grant_input_is_checked(changes: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "grant_id": "g",
        "agency_code": "cjib",
        "scopes": SUMMARY,
        "valid_from": NOW,
        "valid_until": at(days=40),
        "now": NOW,
        **changes,
    }
    terms = sharing.Terms(
        *(arguments.pop(k) for k in ("scopes", "valid_from", "valid_until", "now"))
    )
    with pytest.raises(InvalidInput) as refused:
        sharing.grant(CASE_STATE, CITIZEN, terms=terms, **arguments)
    assert refused.value.field == field


def test_revoking_ends_access_and_revoking_again_changes_nothing() -> None:
    revoked, event = sharing.revoke(CASE_STATE, CITIZEN, "g-uwv", now=NOW)
    assert event is not None
    assert event.agency_code == "uwv"
    case = replace(CASE_STATE, grants=(revoked, *CASE_STATE.grants[1:]))
    decision = decide(principal("u", "agency:uwv"), case, DataKind.SUMMARY, NOW)
    assert not decision.allowed
    assert "revoked" in decision.reason
    again, none = sharing.revoke(case, CITIZEN, "g-uwv", now=at(days=11))
    assert none is None
    assert again == revoked


def test_a_representative_may_revoke_a_grant_with_an_act_on_behalf_mandate() -> None:
    revoked, _ = sharing.revoke(CASE_STATE, rep("m-ok"), "g-uwv", now=NOW)
    assert revoked.revoked_by == sharing.representative_subject("m-ok")


def test_a_mandate_is_recorded_without_the_holders_name_in_its_event() -> None:
    new, event = sharing.grant_mandate(
        CASE_STATE,
        CITIZEN,
        mandate_id="m-new",
        holder_name="Karin Bakker",
        relation=RepresentativeRelation.FAMILY,
        terms=sharing.Terms(SUMMARY, NOW, at(days=400), NOW),
    )
    assert new.holder_name == "Karin Bakker"
    assert "Karin" not in repr(event)
    with_mandate = replace(CASE_STATE, mandates=(new,))
    assert decide(rep("m-new"), with_mandate, DataKind.SUMMARY, NOW).basis == "mandate:m-new"


def test_a_representative_cannot_hand_out_mandates() -> None:
    with pytest.raises(NotAllowed):
        sharing.grant_mandate(
            CASE_STATE,
            rep("m-ok"),
            mandate_id="m-x",
            holder_name="X",
            relation=RepresentativeRelation.OTHER,
            terms=sharing.Terms(SUMMARY, NOW, at(days=40), NOW),
        )


def test_revoking_a_mandate_ends_the_representatives_access() -> None:
    revoked, event = sharing.revoke_mandate(CASE_STATE, ANNA, "m-ok", now=NOW, channel=Channel.DESK)
    assert event is not None
    assert revoked.revoked_by == "cm-anna"
    case = replace(CASE_STATE, mandates=(revoked,))
    assert not decide(rep("m-ok"), case, DataKind.SUMMARY, NOW).allowed
