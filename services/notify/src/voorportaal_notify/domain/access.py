"""Who may read or change how a citizen is reached, and why a change was made.

Contact details decide where the citizen's personal link goes, so changing them is as strong as
reading the dossier: only the citizen (through their own link for that case), the case's owner
or someone in the owner's team, or a supervisor may do it. Notify decides on the kit's one
design (`voorportaal_kit.case_access.decide`, the dossier's rules, folded from `case.events`),
for the `identity` scope that holds contact details, with two rules of its own on top: a
representative's link never redirects the citizen's messages (whatever their mandate), and a
citizen changes channels, language and quiet hours but not addresses (those go with their
contact person, so a stolen link cannot move the messages).

Every change names why it is made, as a code (`ChangeReason`): the audit log holds codes and
ids only, never free text in which an address or a name could slip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from voorportaal_contracts.types import SharingScope
from voorportaal_kit.auth import Principal, Role
from voorportaal_kit.case_access import REPRESENTATIVE_PREFIX, CaseAccess, Decision, decide

DATA_KIND = "contact_details"
"""What the audit log calls the data notify guards."""


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


def _refuse(reason: str) -> Decision:
    return Decision(False, reason, "none")


def may_change_contact(
    principal: Principal, case: CaseAccess, now: datetime, *, addresses: bool = False
) -> Decision:
    """Whether `principal` may change how the citizen of `case` is reached (`addresses`:
    a phone number or e-mail address, not only channels, language or quiet hours)."""
    if principal.subject.startswith(REPRESENTATIVE_PREFIX):
        return _refuse("a representative's link does not change contact details")
    decision = decide(
        principal,
        case,
        SharingScope.IDENTITY,
        now,
        data_kind=DATA_KIND,
        change=True,
        agencies_may=False,
    )
    if decision.allowed and addresses and principal.has_role(Role.CITIZEN):
        return _refuse("addresses are changed with your contact person")
    return decision


def may_read_contact(principal: Principal, case: CaseAccess, now: datetime) -> Decision:
    """Whether a staff member may see how the citizen of `case` is reached (masked)."""
    return decide(
        principal,
        case,
        SharingScope.IDENTITY,
        now,
        data_kind=DATA_KIND,
        staff_only=True,
        agencies_may=False,
    )


CONTACT_LOAD_KIND = "contact_load"
"""How many messages the household received lately (counts only)."""
MESSAGES_KIND = "messages"
"""Which messages the case received and how their delivery went (no addresses)."""


def may_read_contact_load(principal: Principal, case: CaseAccess, now: datetime) -> Decision:
    """Whether a staff member may see a case's contact-load meter: counts without content,
    shown in the buddy queue too, so any casemanager while the case waits there."""
    return decide(
        principal,
        case,
        SharingScope.SUMMARY,
        now,
        data_kind=CONTACT_LOAD_KIND,
        staff_only=True,
        queue_visible=True,
        agencies_may=False,
    )


def may_read_messages(principal: Principal, case: CaseAccess, now: datetime) -> Decision:
    """Whether a staff member may see the messages of a case and their delivery: the owner,
    the team, a supervisor, a handover's colleague (not the queue, not an agency)."""
    return decide(
        principal,
        case,
        SharingScope.SUMMARY,
        now,
        data_kind=MESSAGES_KIND,
        staff_only=True,
        agencies_may=False,
    )


def current_mandate(case: CaseAccess, relation: str | None, now: datetime) -> str | None:
    """The id of the case's current mandate for a representative with this relation.

    `ContactPointsUpdated.representative` names the relation but not the mandate; the
    dossier's `MandateGranted` names both. Only when exactly one current mandate has that
    relation is it the representative's: with two (a son and a sister, both `family`) the copy
    could carry another person's mandate and its rights, so nobody gets a copy until the
    choice is unambiguous; without one, the representative receives no copy either.
    """
    if relation is None:
        return None
    current: Sequence[str] = [
        m.permit_id for m in case.mandates if m.holder == relation and m.status(now) == "current"
    ]
    return current[0] if len(current) == 1 else None
