"""The console's case page: every part of a case decided and audited on its own, a part the
caller may not read named with the reason instead of its content."""

from __future__ import annotations

from datetime import date
from typing import Any

from voorportaal_dossier.adapters import case_store, repositories
from voorportaal_dossier.domain import sharing
from voorportaal_dossier.domain.case_state import CaseState
from voorportaal_dossier.domain.checklist import dutch_day
from voorportaal_dossier.domain.records import CaseRecords
from voorportaal_dossier.domain.sharing import DataKind
from voorportaal_dossier.service_layer import audit_log
from voorportaal_dossier.service_layer.access import Actor, record
from voorportaal_dossier.service_layer.case_access import UseCase
from voorportaal_dossier.service_layer.shapes import (
    contact_out,
    document_out,
    document_visible,
    iso,
)
from voorportaal_kit.audit import AuditAction
from voorportaal_kit.errors import Forbidden

CASE_PAGE_KINDS = (
    DataKind.SUMMARY,
    DataKind.IDENTITY,
    DataKind.TIMELINE,
    DataKind.REFERRALS,
    DataKind.PROMISES,
    DataKind.CONTACT_MOMENTS,
    DataKind.DOCUMENTS,
    DataKind.SHARING,
    DataKind.CHECKLIST,
)


class CasePageReader(UseCase):
    """Reads the case page."""

    async def read(self, actor: Actor, case_id: str) -> dict[str, Any]:
        """Everything the console shows of a case, each part decided and audited on its own;
        a part the caller may not read says so instead of its content."""
        now = self._cases.now()
        async with self._cases.sessions.begin() as session:
            case = await case_store.load(session, case_id)
            subject = case or CaseState.new(case_id)
            decisions = {
                kind: sharing.decide(actor.principal, subject, kind, now, team=actor.team)
                for kind in CASE_PAGE_KINDS
            }
            await audit_log.append(
                session,
                [
                    record(actor, case_id, k.value, "case_page", AuditAction.READ, d, now)
                    for k, d in decisions.items()
                ],
            )
            kept = await repositories.records_of(session, case_id) if case is not None else None
        if not any(d.allowed for d in decisions.values()):
            raise Forbidden(decisions[DataKind.SUMMARY].reason)
        if case is None or kept is None:
            raise self._cases.missing(actor)
        page: dict[str, Any] = {"case_id": case_id, "refused": {}}
        for kind, decision in decisions.items():
            if decision.allowed and kind is DataKind.CHECKLIST:
                page[kind.value] = checklist_part(case, dutch_day(now))
            elif decision.allowed:
                page[kind.value] = PARTS[kind](case, kept, actor)
            else:
                page["refused"][kind.value] = decision.reason
        return page


def _summary(case: CaseState, kept: CaseRecords, actor: Actor) -> dict[str, Any]:
    """The story so far (`Summary`); the handover note and doorbraak only for case staff."""
    return {
        "opened_at": iso(case.opened_at),
        "channel": case.channel.value if case.channel else None,
        "life_events": [e.value for e in case.life_events],
        "needs": list(case.needs),
        "risks": list(case.risks),
        "redzaamheid": case.redzaamheid.value if case.redzaamheid else None,
        "urgency": case.urgency.value if case.urgency else None,
        "municipality_code": case.municipality_code,
        "recommendation": [
            {"rule": r.rule, "nl": r.nl, "en": r.en} for r in case.recommendation.reasons
        ]
        if case.recommendation
        else None,
        "ownership": _ownership(case, actor),
        "closed_at": iso(case.closed_at),
        "anonymised_at": iso(case.anonymised_at),
        "notifications": {"sent": case.notifications_sent, "failed": case.notifications_failed},
        "citizen_items": [
            {
                "id": i.id,
                "kind": i.kind,
                "text": i.text,
                "due_at": iso(i.due_at),
                "by": i.by,
                "at": i.at.isoformat(),
            }
            for i in kept.citizen_items
        ],
        "doorbraak": [
            {
                "id": o.id,
                "reason_code": o.reason_code,
                "note": o.note,
                "status": o.status,
                "proposed_by": o.proposed_by,
                "decided_by": o.decided_by,
            }
            for o in kept.overrides
        ]
        if actor.is_case_staff
        else [],
    }


def _ownership(case: CaseState, actor: Actor) -> dict[str, Any]:
    own = case.ownership
    pending = own.pending
    return {
        "status": own.status.value,
        "owner": {"id": own.owner.id, "name": own.owner.name, "team": own.owner.team}
        if own.owner
        else None,
        "owner_since": iso(own.owner_since),
        "pending_handover": {
            "to": {"id": pending.to.id, "name": pending.to.name},
            "note": pending.note if actor.is_case_staff else None,
            "requested_at": pending.requested_at.isoformat(),
        }
        if pending
        else None,
    }


def _identity(case: CaseState, _kept: CaseRecords, _actor: Actor) -> dict[str, Any] | None:
    """Who the citizen is and how to reach them (`Identity`)."""
    citizen = case.citizen
    if citizen is None:
        return None
    return {
        "name": citizen.name,
        "bsn": citizen.bsn,
        "date_of_birth": citizen.date_of_birth.isoformat() if citizen.date_of_birth else None,
        "postcode": citizen.postcode,
        "house_number": citizen.house_number,
        "municipality_code": citizen.municipality_code,
        "email": citizen.email,
        "phone": citizen.phone,
        "language": citizen.language,
        "channels": [c.value for c in citizen.channels],
        "representative": {
            "name": citizen.representative.name,
            "relation": citizen.representative.relation.value,
        }
        if citizen.representative
        else None,
        "household": [{"name": m.name, "relation": m.relation} for m in citizen.household],
    }


def _timeline(case: CaseState, _kept: CaseRecords, _actor: Actor) -> list[dict[str, Any]]:
    return [
        {"at": e.at.isoformat(), "type": e.event_type, "nl": e.nl, "en": e.en}
        for e in case.timeline
    ]


def _referrals(case: CaseState, _kept: CaseRecords, _actor: Actor) -> list[dict[str, Any]]:
    return [
        {
            "referral_id": r.referral_id,
            "agency_code": r.agency_code,
            "service_code": r.service_code,
            "status": r.status.value,
            "mode": r.mode.value,
            "due_at": iso(r.due_at),
            "overdue": r.overdue,
            "waits_on": r.waits_on,
            "stalled_reason": r.stalled_reason,
            "reminders": r.reminders,
            "decline_reason": r.decline_reason.value if r.decline_reason else None,
            "outcome": r.outcome,
            "reasons": [{"rule": x.rule, "nl": x.nl, "en": x.en} for x in r.reasons],
        }
        for r in case.referrals
    ]


def _promises(case: CaseState, _kept: CaseRecords, _actor: Actor) -> list[dict[str, Any]]:
    return [
        {
            "promise_id": p.promise_id,
            "made_by_kind": p.made_by_kind.value,
            "made_by": p.made_by,
            "what": p.what,
            "due_at": p.due_at.isoformat(),
            "status": p.status.value,
            "referral_id": p.referral_id,
            "fulfilled_at": iso(p.fulfilled_at),
            "broken_at": iso(p.broken_at),
        }
        for p in case.promises
    ]


def _contacts(_case: CaseState, kept: CaseRecords, _actor: Actor) -> list[dict[str, Any]]:
    return [contact_out(c) for c in kept.contacts]


def _documents(_case: CaseState, kept: CaseRecords, actor: Actor) -> list[dict[str, Any]]:
    return [document_out(d) for d in kept.documents if document_visible(d, actor)]


def _sharing(case: CaseState, _kept: CaseRecords, _actor: Actor) -> dict[str, Any]:
    return {
        "grants": [
            {
                "grant_id": g.grant_id,
                "agency_code": g.agency_code,
                "scopes": sorted(g.scopes),
                "valid_from": g.valid_from.isoformat(),
                "valid_until": g.valid_until.isoformat(),
                "granted_by": g.granted_by.value if g.granted_by else None,
                "channel": g.channel.value if g.channel else None,
                "revoked_at": iso(g.revoked_at),
            }
            for g in case.grants
        ],
        "mandates": [
            {
                "mandate_id": m.mandate_id,
                "holder_name": m.holder_name,
                "relation": m.relation.value,
                "scopes": sorted(m.scopes),
                "valid_from": m.valid_from.isoformat(),
                "valid_until": m.valid_until.isoformat(),
                "revoked_at": iso(m.revoked_at),
            }
            for m in case.mandates
        ],
    }


def checklist_part(case: CaseState, today: date) -> dict[str, Any]:
    """The citizen's checklist+ (`CaseChecklist`): Dutch titles, done, late (on `today`, the
    Dutch date), who ticked."""
    checklist = case.checklist
    items = []
    for item in checklist.items:
        mark = checklist.mark(item.item_id)
        done = mark is not None and mark.done
        items.append(
            {
                "item_id": item.item_id,
                "title": item.title.nl,
                "title_en": item.title.en,
                "agency": item.agency,
                "agency_name": item.agency_name.nl,
                "due_on": item.due_on,
                "done": done,
                "late": checklist.item_late(item, today),
                "done_by": mark.by_role if mark and done else None,
                "done_at": mark.at if mark and done else None,
                "refer": item.refer,
            }
        )
    return {
        "revision": checklist.revision,
        "issued_at": checklist.issued_at,
        "items": items,
        "to_do": checklist.still_to_do(),
        "late": checklist.late_count(today),
    }


PARTS = {
    DataKind.SUMMARY: _summary,
    DataKind.IDENTITY: _identity,
    DataKind.TIMELINE: _timeline,
    DataKind.REFERRALS: _referrals,
    DataKind.PROMISES: _promises,
    DataKind.CONTACT_MOMENTS: _contacts,
    DataKind.DOCUMENTS: _documents,
    DataKind.SHARING: _sharing,
}
"""Each part of the page built only when the caller may read it (the checklist, which needs
the day, by `checklist_part`)."""
