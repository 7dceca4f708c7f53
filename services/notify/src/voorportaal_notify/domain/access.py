"""Who may change how a citizen is reached, and why a change was made.

Contact details decide where the citizen's personal link goes, so changing them is as strong as
reading the dossier: only the citizen (through their own link for that case), the case's owner
or someone in the owner's team, or a supervisor may do it. A representative's link acts under a
mandate and may not redirect the citizen's messages; agencies, operators and signaleerders never
may. Notify knows the owner and team from `case.events` (`service_layer.case_state`).

Every change names why it is made, as a code (`ChangeReason`): the audit log holds codes and
ids only, never free text in which an address or a name could slip.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from voorportaal_kit.auth import Principal, Role


class ChangeReason(StrEnum):
    """Why contact details or preferences were changed."""

    CITIZEN_REQUEST = "citizen_request"
    """The citizen asked for it (at the desk, by phone, by letter)."""
    REPRESENTATIVE_REQUEST = "representative_request"
    """Their representative asked for it."""
    UNDELIVERABLE = "undeliverable"
    """Messages to the address did not arrive."""
    CORRECTION = "correction"
    """The details were entered wrongly."""
    OWN_CHOICE = "own_choice"
    """The citizen changed it themselves, through their own link."""


STAFF_REASONS = frozenset(ChangeReason) - {ChangeReason.OWN_CHOICE}
"""The reasons a staff member may give (`own_choice` is the citizen's own)."""


@dataclass(frozen=True)
class CaseOwner:
    """Who owns a case now, as the buddy system's events said (None: in the queue)."""

    owner_id: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class Decision:
    """Whether a principal may change a case's contact details, on which basis or why not."""

    allowed: bool
    basis: str
    """`citizen`, `owner`, `team`, `supervisor`, or `none`."""
    reason: str
    """A fixed text (no values), for the audit log and the 403."""


def _refuse(reason: str) -> Decision:
    return Decision(False, "none", reason)


def may_change_contact(
    principal: Principal, case_id: str, owner: CaseOwner | None, *, holder: str | None = None
) -> Decision:
    """Whether `principal` may change how the citizen of `case_id` is reached.

    `holder` is the mandate id of a representative's link (None for the citizen's own link
    and for staff tokens). Anyone carrying the citizen role is held to the citizen's rule,
    whatever other role the token claims.
    """
    if principal.has_role(Role.CITIZEN):
        if principal.case_id != case_id:
            return _refuse("a citizen link opens only its own case")
        if holder is not None:
            return _refuse("a representative's link does not change contact details")
        return Decision(True, "citizen", "the citizen of this case")
    if principal.has_role(Role.SUPERVISOR):
        return Decision(True, "supervisor", "a supervisor")
    if not principal.has_role(Role.CASEMANAGER):
        return _refuse("only the citizen, the case's owner or team, or a supervisor")
    if owner is not None and owner.owner_id == principal.subject:
        return Decision(True, "owner", "the owner of the case")
    if owner is not None and owner.team is not None and principal.team == owner.team:
        return Decision(True, "team", "in the team of the case's owner")
    return _refuse("not the owner of the case and not in the owner's team")


def role_of(principal: Principal) -> str:
    """The role a principal acted in, as the audit log names it (the strongest first)."""
    for role in (Role.CITIZEN, Role.SUPERVISOR, Role.CASEMANAGER, Role.OPERATOR):
        if principal.has_role(role):
            return role.value
    codes = sorted(principal.agency_codes)
    if codes:
        return f"agency:{codes[0]}"
    return sorted(principal.roles)[0] if principal.roles else "none"


def may_read_contact(principal: Principal, owner: CaseOwner | None) -> Decision:
    """Whether a staff member may see how a case's citizen is reached (addresses masked).

    As the dossier decides a staff read: a supervisor; the owner or the owner's team; any
    casemanager while nobody owns the case (it waits in the buddy queue). Citizens read their
    own preferences in the dossier's citizen view, not here.
    """
    if principal.has_role(Role.CITIZEN):
        return _refuse("a citizen's preferences are read in the citizen view")
    if principal.has_role(Role.SUPERVISOR):
        return Decision(True, "supervisor", "a supervisor")
    if not principal.has_role(Role.CASEMANAGER):
        return _refuse("casemanagers and supervisors only")
    if owner is None or owner.owner_id is None:
        return Decision(True, "queue", "nobody owns the case yet")
    if owner.owner_id == principal.subject:
        return Decision(True, "owner", "the owner of the case")
    if owner.team is not None and principal.team == owner.team:
        return Decision(True, "team", "in the team of the case's owner")
    return _refuse("not the owner of the case and not in the owner's team")
