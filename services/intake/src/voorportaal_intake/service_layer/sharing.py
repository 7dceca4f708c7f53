"""The citizen's sharing choice as consent facts on `case.events`.

Submitting stages one `ConsentGranted` per agency the citizen shares with (the grant every
service keeps); changing the choice after submission grants the agencies added and revokes
the ones taken off, with the same grant ids.
"""

from __future__ import annotations

from datetime import datetime

from voorportaal_contracts.consent import (
    INTAKE_CONSENT_SCOPES,
    intake_grant_id,
    intake_grant_valid_until,
    sharing_agencies,
)
from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import ConsentGranted, ConsentRevoked
from voorportaal_intake.domain.intake import STAFF, ContactDetails, Intake
from voorportaal_intake.service_layer.context import IntakeContext
from voorportaal_kit.auth import Principal


def grants(
    intake: Intake,
    agencies: list[str],
    now: datetime,
    *,
    recorded_by: str | None = None,
    valid_from: datetime | None = None,
) -> list[ConsentGranted]:
    """The sharing choice as grants, valid a year from submission: the citizen's own, or
    recorded by a staff member (who took the intake, or `recorded_by`) with the channel
    the intake came in through."""
    if recorded_by is None and intake.started_by_staff:
        recorded_by = intake.started_by
    submitted_at = intake.submitted_at or now
    return [
        ConsentGranted(
            case_id=intake.case_id,
            grant_id=intake_grant_id(str(intake.id), agency),
            agency_code=agency,
            scopes=list(INTAKE_CONSENT_SCOPES),
            valid_from=valid_from or submitted_at,
            valid_until=intake_grant_valid_until(submitted_at),
            granted_by="casemanager" if recorded_by else "citizen",
            recorded_by=recorded_by,
            channel=intake.channel,
        )
        for agency in agencies
    ]


def sharing_changed(
    ctx: IntakeContext,
    intake: Intake,
    before: ContactDetails | None,
    contact: ContactDetails,
    actor: Principal,
) -> list[Envelope]:
    """A submitted intake's sharing choice changed: grant the agencies added, revoke the
    ones taken off (the same grant ids as at submission)."""
    # "My gemeente" is the citizen's own municipality's agency (gemeente-gm0363).
    municipality = municipality_of(intake)
    old = set(sharing_agencies(before.share_with if before else [], municipality))
    new = set(sharing_agencies(contact.share_with, municipality))
    return regranted(ctx, intake, old, new, actor)


def sharing_moved(
    ctx: IntakeContext,
    intake: Intake,
    contact: ContactDetails | None,
    moved_from: str | None,
    actor: Principal,
) -> list[Envelope]:
    """An amendment moved the citizen to another municipality (or gave them one): sharing
    with "my gemeente" now means the new municipality's agencies, so the old one's grants
    are revoked and the new one's granted."""
    moved_to = municipality_of(intake)
    if contact is None or moved_from == moved_to:
        return []
    old = set(sharing_agencies(contact.share_with, moved_from))
    new = set(sharing_agencies(contact.share_with, moved_to))
    return regranted(ctx, intake, old, new, actor)


def municipality_of(intake: Intake) -> str | None:
    """The municipality the intake's last assessment found (from the postcode)."""
    found = (intake.result or {}).get("municipality_code")
    return str(found) if found else None


def regranted(
    ctx: IntakeContext, intake: Intake, old: set[str], new: set[str], actor: Principal
) -> list[Envelope]:
    """Grants for the agencies in `new` only, revocations for those in `old` only."""
    now = ctx.now()
    recorder = actor.subject if actor.has_role(*STAFF) else None
    staged = [
        ctx.envelope(grant, now)
        for grant in grants(intake, sorted(new - old), now, recorded_by=recorder, valid_from=now)
    ]
    staged += [
        ctx.envelope(
            ConsentRevoked(
                case_id=intake.case_id,
                grant_id=intake_grant_id(str(intake.id), agency),
                agency_code=agency,
                revoked_at=now,
            ),
            now,
        )
        for agency in sorted(old - new)
    ]
    return staged
