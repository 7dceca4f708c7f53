"""Sharing grants, mandates, and `decide`: the one function that decides every read (the
kit's `case_access.decide`, with the dossier's kinds of data on top).

A *grant* shares one case with one agency, for some scopes (`summary`, `identity`,
`documents`, `act_on_behalf`), from a moment until a moment, until revoked. The citizen grants
and revokes through their signed link; a casemanager may record it on their behalf (phone,
desk …), and then the channel is noted. A *mandate* (*machtiging*) lets a representative — a
family member, partner, *bewindvoerder*, mentor — see or act for the citizen within its scopes.

A representative comes with a link of their own that names their mandate (`holder`); the
dossier makes it a principal whose subject is `representative:<mandate id>` (see
`representative_subject`). Every other citizen link for a case is the citizen themselves. A
public body rests its processing on its public task, not on consent: what the citizen controls
here is *with whom* their dossier is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, TypedDict, TypeVar

from voorportaal_contracts.events.case import (
    ConsentGranted,
    ConsentRevoked,
    MandateGranted,
    MandateRevoked,
)
from voorportaal_contracts.types import Channel, RepresentativeRelation, SharingScope
from voorportaal_dossier.domain.errors import InvalidInput, NotAllowed
from voorportaal_dossier.domain.ownership import access_facts, visible_to
from voorportaal_kit import case_access
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import REPRESENTATIVE_PREFIX, CaseAccess, Decision, Permit

if TYPE_CHECKING:
    from voorportaal_dossier.domain.case_state import CaseState

MAX_GRANT_PERIOD: Final = timedelta(days=366)
MAX_MANDATE_PERIOD: Final = timedelta(days=5 * 366)
_AGENCY_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")


class DataKind(StrEnum):
    """What part of a dossier a read touches."""

    SUMMARY = "summary"
    """The story so far: life events, needs, triage, what is arranged."""
    TIMELINE = "timeline"
    REFERRALS = "referrals"
    PROMISES = "promises"
    CONTACT_MOMENTS = "contact_moments"
    IDENTITY = "identity"
    """Name, BSN, date of birth, address and contact details."""
    DOCUMENTS = "documents"
    SHARING = "sharing"
    """The citizen's sharing choices and mandates."""
    AUDIT_LOG = "audit_log"
    """Who looked at the dossier."""
    CHECKLIST = "checklist"
    """The citizen's checklist+: what they still have to do, what is late, what is done."""


REQUIRED_SCOPE: Final = MappingProxyType(
    {
        DataKind.SUMMARY: SharingScope.SUMMARY,
        DataKind.TIMELINE: SharingScope.SUMMARY,
        DataKind.REFERRALS: SharingScope.SUMMARY,
        DataKind.PROMISES: SharingScope.SUMMARY,
        DataKind.CONTACT_MOMENTS: SharingScope.SUMMARY,
        DataKind.CHECKLIST: SharingScope.SUMMARY,
        # Who the citizen is and how to reach them is a scope of its own: the story so far
        # does not unlock name, BSN, address or contact details.
        DataKind.IDENTITY: SharingScope.IDENTITY,
        DataKind.DOCUMENTS: SharingScope.DOCUMENTS,
        # Only someone who may act for the citizen sees their choices and access log.
        DataKind.SHARING: SharingScope.ACT_ON_BEHALF,
        DataKind.AUDIT_LOG: SharingScope.ACT_ON_BEHALF,
    }
)
"""The scope a grant or mandate must hold to read each kind of data."""

NEVER_FOR_AGENCIES: Final = frozenset({DataKind.SHARING, DataKind.AUDIT_LOG})
"""Kinds an agency never reads, whatever its grant: they are about the citizen's choices."""

QUEUE_KINDS: Final = frozenset(
    {DataKind.SUMMARY, DataKind.TIMELINE, DataKind.REFERRALS, DataKind.CHECKLIST}
)
"""What any casemanager may read of a case in the buddy queue, to decide to take it up."""


class GrantedBy(StrEnum):
    """Who made a sharing choice."""

    CITIZEN = "citizen"
    REPRESENTATIVE = "representative"
    CASEMANAGER = "casemanager"
    """Recorded by a casemanager on the citizen's behalf; the channel is noted."""


@dataclass(frozen=True, slots=True)
class Grant:
    """One case shared with one agency."""

    grant_id: str
    agency_code: str
    scopes: frozenset[SharingScope]
    valid_from: datetime
    valid_until: datetime
    granted_by: GrantedBy | None = None
    """None when only the contract event reached us and it did not say."""
    recorded_by: str | None = None
    channel: Channel | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def status(self, now: datetime) -> str:
        """`current`, `not_yet_valid`, `expired` or `revoked` at `now`."""
        return case_access.permit_status(now, self.valid_from, self.valid_until, self.revoked_at)


@dataclass(frozen=True, slots=True)
class Mandate:
    """A representative's authority to see or act for the citizen (*machtiging*)."""

    mandate_id: str
    relation: RepresentativeRelation
    scopes: frozenset[SharingScope]
    valid_from: datetime
    valid_until: datetime
    holder_name: str | None = None
    """Personal data, kept in the dossier only (never in an event)."""
    granted_by: GrantedBy | None = None
    recorded_by: str | None = None
    channel: Channel | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def status(self, now: datetime) -> str:
        """`current`, `not_yet_valid`, `expired` or `revoked` at `now`."""
        return case_access.permit_status(now, self.valid_from, self.valid_until, self.revoked_at)


def representative_subject(mandate_id: str) -> str:
    """The subject of the citizen link issued to the holder of a mandate."""
    return f"{REPRESENTATIVE_PREFIX}{mandate_id}"


def _scope_codes(scopes: frozenset[SharingScope]) -> frozenset[str]:
    return frozenset(scope.value for scope in scopes)


def access_of(case: CaseState) -> CaseAccess:
    """The facts of `case` the kit's `case_access.decide` rests on (ids and codes only)."""
    return replace(
        access_facts(case.ownership),
        case_id=case.case_id,
        grants=tuple(
            Permit(
                g.grant_id,
                g.agency_code,
                _scope_codes(g.scopes),
                g.valid_from,
                g.valid_until,
                g.revoked_at,
            )
            for g in case.grants
        ),
        mandates=tuple(
            Permit(
                m.mandate_id,
                m.relation.value,
                _scope_codes(m.scopes),
                m.valid_from,
                m.valid_until,
                m.revoked_at,
            )
            for m in case.mandates
        ),
    )


def decide(
    principal: Principal,
    case: CaseState,
    data_kind: DataKind,
    now: datetime,
    *,
    team: str | None = None,
) -> Decision:
    """Whether `principal` may read `data_kind` of `case` at `now`; every read goes through
    here and its decision is audited, allowed or refused.

    The owner/team/queue/grant/mandate rules are the kit's (`case_access.decide`, which
    routing, intake and notify use too); the dossier adds which scope each kind of data needs
    (`REQUIRED_SCOPE`), what the buddy queue shows (`QUEUE_KINDS`) and what agencies never
    read (`NEVER_FOR_AGENCIES`). `team` is the principal's team (staff tokens). Anyone
    carrying the citizen role is held to their link's case, whatever other roles a
    misconfigured provider gave them.
    """
    return case_access.decide(
        principal,
        access_of(case),
        REQUIRED_SCOPE[data_kind],
        now,
        data_kind=data_kind.value,
        queue_visible=data_kind in QUEUE_KINDS,
        agencies_may=data_kind not in NEVER_FOR_AGENCIES,
        team=team,
    )


def _decide_link(case: CaseState, principal: Principal, kind: DataKind, now: datetime) -> Decision:
    """The decision on a citizen's or representative's link (the caller has the citizen
    role, so `decide` holds them to their link's case and mandate)."""
    return decide(principal, case, kind, now)


def may_revoke_link(
    case: CaseState, principal: Principal, link_holder: str | None, now: datetime
) -> None:
    """The citizen revokes any link of their case; a representative, while their mandate is
    current, only the links of that mandate (never the citizen's own or another's)."""
    if not principal.has_role(Role.CITIZEN):
        raise NotAllowed(
            "only the citizen or a representative revokes a link / "
            "alleen de burger of een vertegenwoordiger kan een link intrekken"
        )
    decision = _decide_link(case, principal, DataKind.SUMMARY, now)
    if not decision.allowed:
        raise NotAllowed(decision.reason)
    if decision.basis == "citizen":
        return
    own = principal.subject.removeprefix(REPRESENTATIVE_PREFIX)
    if link_holder != own:
        raise NotAllowed(
            "a representative revokes only the links of their own mandate / "
            "een vertegenwoordiger kan alleen de links van de eigen machtiging intrekken"
        )


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True, slots=True)
class _Actor:
    granted_by: GrantedBy
    recorded_by: str | None
    channel: Channel | None


def _changer(
    case: CaseState,
    principal: Principal,
    now: datetime,
    *,
    team: str | None,
    channel: Channel | None,
    representatives_may: bool,
) -> _Actor:
    """Who makes a sharing choice: the citizen, a representative acting for them, or a
    casemanager of the case recording it with the channel it came in on."""
    if principal.has_role(Role.CITIZEN):
        decision = _decide_link(case, principal, DataKind.SHARING, now)
        if not decision.allowed:
            raise NotAllowed(decision.reason)
        if decision.basis == "citizen":
            return _Actor(GrantedBy.CITIZEN, None, Channel.WEB)
        if not representatives_may:
            raise NotAllowed(
                "a representative cannot change mandates / "
                "een vertegenwoordiger kan geen machtigingen wijzigen"
            )
        return _Actor(GrantedBy.REPRESENTATIVE, principal.subject, Channel.WEB)
    if principal.has_role(Role.CASEMANAGER) and visible_to(case.ownership, principal, team) in {
        "owner",
        "team",
    }:
        if channel is None:
            raise InvalidInput(
                "channel",
                "say how the citizen made this choice / "
                "zeg hoe de burger deze keuze heeft doorgegeven",
            )
        return _Actor(GrantedBy.CASEMANAGER, principal.subject, channel)
    raise NotAllowed(
        "only the citizen, or a casemanager of the case on their behalf / "
        "alleen de burger, of namens de burger een casemanager van de zaak"
    )


class _Recorded(TypedDict):
    """What a new grant or mandate holds besides its own fields."""

    scopes: frozenset[SharingScope]
    valid_from: datetime
    valid_until: datetime
    granted_by: GrantedBy
    recorded_by: str | None
    channel: Channel | None


class _Announced(TypedDict):
    """What its event says besides its own fields (never a name)."""

    scopes: list[SharingScope]
    valid_from: datetime
    valid_until: datetime
    granted_by: str
    recorded_by: str | None
    channel: Channel | None


@dataclass(frozen=True)
class Terms:
    """What a grant or mandate covers (`scopes`), from and until when, and how it is
    recorded: at `now`, by a casemanager of `team` (when staff record it), through `channel`."""

    scopes: frozenset[SharingScope]
    valid_from: datetime
    valid_until: datetime
    now: datetime
    team: str | None = None
    channel: Channel | None = None

    def changer(
        self, case: CaseState, principal: Principal, *, representatives_may: bool
    ) -> _Actor:
        """Who records these terms (see `_changer`)."""
        return _changer(
            case,
            principal,
            self.now,
            team=self.team,
            channel=self.channel,
            representatives_may=representatives_may,
        )

    def recorded(self, actor: _Actor) -> _Recorded:
        """The terms as a new grant or mandate keeps them, with who recorded them."""
        return _Recorded(
            scopes=frozenset(self.scopes),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            granted_by=actor.granted_by,
            recorded_by=actor.recorded_by,
            channel=actor.channel,
        )

    def announced(self, actor: _Actor) -> _Announced:
        """The terms as the event of a new grant or mandate tells them."""
        return _Announced(
            scopes=sorted(self.scopes),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            granted_by=actor.granted_by.value,
            recorded_by=actor.recorded_by,
            channel=actor.channel,
        )

    def check(self, longest: timedelta) -> None:
        """Some scope, and a period (with timezones) of at most `longest`."""
        if not self.scopes:
            raise InvalidInput(
                "scopes", "choose at least one scope / kies ten minste één onderdeel om te delen"
            )
        valid_from, valid_until = self.valid_from, self.valid_until
        if valid_from.tzinfo is None or valid_until.tzinfo is None:
            raise InvalidInput(
                "valid_until", "must include a timezone / de tijd heeft een tijdzone nodig"
            )
        if valid_until <= valid_from:
            raise InvalidInput(
                "valid_until", "must lie after valid_from / de einddatum ligt na de begindatum"
            )
        if valid_until - valid_from > longest:
            raise InvalidInput(
                "valid_until",
                f"at most {longest.days} days after valid_from / "
                f"ten hoogste {longest.days} dagen na de begindatum",
            )


_Held = TypeVar("_Held", Grant, Mandate)


def _revoked(
    found: _Held | None, field: str, actor: _Actor, now: datetime
) -> tuple[_Held, str | None]:
    """The grant or mandate revoked from `now` on, and by whom; unchanged (and None) when it
    was revoked before."""
    if found is None:
        held = "machtiging" if field == "mandate_id" else "toestemming om te delen"
        raise InvalidInput(
            field,
            f"no such {field.removesuffix('_id')} on this case / deze zaak heeft die {held} niet",
        )
    if found.revoked_at is not None:
        return found, None
    by = actor.recorded_by or actor.granted_by.value
    return replace(found, revoked_at=now, revoked_by=by), by


def grant(
    case: CaseState, principal: Principal, *, grant_id: str, agency_code: str, terms: Terms
) -> tuple[Grant, ConsentGranted]:
    """Share the case with an agency; returns the grant and its `ConsentGranted` event."""
    actor = terms.changer(case, principal, representatives_may=True)
    if not _AGENCY_CODE.fullmatch(agency_code):
        raise InvalidInput("agency_code", "not an agency code / geen bekende instantie")
    terms.check(MAX_GRANT_PERIOD)
    if terms.valid_until <= terms.now:
        raise InvalidInput("valid_until", "lies in the past / de datum ligt in het verleden")
    new = Grant(grant_id, agency_code, **terms.recorded(actor))
    event = ConsentGranted(
        case_id=case.case_id,
        grant_id=grant_id,
        agency_code=agency_code,
        **terms.announced(actor),
    )
    return new, event


def revoke(
    case: CaseState,
    principal: Principal,
    grant_id: str,
    *,
    now: datetime,
    team: str | None = None,
    channel: Channel | None = None,
) -> tuple[Grant, ConsentRevoked | None]:
    """Revoke a grant from `now` on; revoking a revoked grant changes nothing (no event)."""
    actor = _changer(case, principal, now, team=team, channel=channel, representatives_may=True)
    existing = next((g for g in case.grants if g.grant_id == grant_id), None)
    revoked, by = _revoked(existing, "grant_id", actor, now)
    if by is None:
        return revoked, None
    event = ConsentRevoked(
        case_id=case.case_id, grant_id=grant_id, agency_code=revoked.agency_code, revoked_at=now
    )
    return revoked, event


def grant_mandate(
    case: CaseState,
    principal: Principal,
    *,
    mandate_id: str,
    holder_name: str,
    relation: RepresentativeRelation,
    terms: Terms,
) -> tuple[Mandate, MandateGranted]:
    """Record a mandate for a representative (by the citizen, or a casemanager for them)."""
    actor = terms.changer(case, principal, representatives_may=False)
    holder_name = holder_name.strip()
    if not holder_name or len(holder_name) > 120:
        raise InvalidInput(
            "holder_name",
            "give the representative's name (1-120 characters) / "
            "geef de naam van de vertegenwoordiger (1-120 tekens)",
        )
    terms.check(MAX_MANDATE_PERIOD)
    new = Mandate(mandate_id, relation, holder_name=holder_name, **terms.recorded(actor))
    event = MandateGranted(
        case_id=case.case_id,
        mandate_id=mandate_id,
        relation=relation,
        **terms.announced(actor),
    )
    return new, event


def revoke_mandate(
    case: CaseState,
    principal: Principal,
    mandate_id: str,
    *,
    now: datetime,
    team: str | None = None,
    channel: Channel | None = None,
) -> tuple[Mandate, MandateRevoked | None]:
    """Revoke a mandate from `now` on; revoking it again changes nothing (no event)."""
    actor = _changer(case, principal, now, team=team, channel=channel, representatives_may=False)
    existing = next((m for m in case.mandates if m.mandate_id == mandate_id), None)
    revoked, by = _revoked(existing, "mandate_id", actor, now)
    if by is None:
        return revoked, None
    return revoked, MandateRevoked(
        case_id=case.case_id, mandate_id=mandate_id, revoked_by=by, revoked_at=now
    )
