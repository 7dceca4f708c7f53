"""The case page from the dossier's `CasePage`: its header (the story so far, the citizen, the
owner) and the rows of its parts, each made in `buddy.rows.case_parts`."""

from __future__ import annotations

from buddy.labels import Words, all_words, words, words_of
from buddy.rows.case_parts import (
    CaseHeader,
    CaseView,
    checklist_rows,
    contact_row,
    document_row,
    doorbraak_row,
    grant_row,
    mandate_row,
    message_row,
    promise_row,
    referral_row,
    timeline_row,
)
from buddy.rows.formats import joined, person, when
from voorportaal_contracts.api.dossier import CasePage, Identity, ReasonOut, Summary


def _reasons(reasons: list[ReasonOut] | None, lang: str) -> str:
    """The triage's reasons as one text: each is a sentence of its own ("Er dreigt
    huisuitzetting."), so they follow each other; one without a full stop gets one."""
    sentences = (str(getattr(r, lang)).strip() for r in reasons or [])
    return " ".join(s if s.endswith((".", "!", "?")) else f"{s}." for s in sentences if s)


def _header(case_id: str, summary: Summary | None, identity: Identity | None) -> CaseHeader:
    header = CaseHeader(case_id=case_id)
    if summary is not None:
        own = summary.ownership
        pending = own.pending_handover
        header.urgency = summary.urgency or ""
        header.redzaamheid = summary.redzaamheid or ""
        header.life_events = joined(summary.life_events)
        header.needs = joined(summary.needs)
        header.risks = joined(summary.risks)
        header.municipality = summary.municipality_code or ""
        header.opened_at = when(summary.opened_at)
        header.closed_at = when(summary.closed_at)
        header.status = own.status
        header.owner_id = own.owner.id if own.owner else ""
        header.owner_name = own.owner.name if own.owner else ""
        header.owner_team = (own.owner.team or "") if own.owner else ""
        header.owner_since = when(own.owner_since)
        header.pending_to_id = pending.to.id if pending else ""
        header.pending_to_name = pending.to.name if pending else ""
        header.pending_note = (pending.note or "") if pending else ""
        header.reasons_nl = _reasons(summary.recommendation, "nl")
        header.reasons_en = _reasons(summary.recommendation, "en")
        header.notifications_sent = str(summary.notifications.sent)
        header.notifications_failed = str(summary.notifications.failed)
        header.urgency_words = words("urgency", summary.urgency)
        header.redzaamheid_words = words("redzaamheid", summary.redzaamheid)
        header.life_events_words = words_of("life_event", summary.life_events)
        header.needs_words = words_of("need", summary.needs)
        header.risks_words = words_of("risk", summary.risks)
        header.municipality_words = words("municipality", summary.municipality_code)
        header.status_words = words("ownership", own.status)
    if identity is not None:
        rep = identity.representative
        header.citizen = identity.name or ""
        household = all_words(person(m.name, "relation", m.relation) for m in identity.household)
        representative = person(rep.name, "relation", rep.relation) if rep else Words()
        header.household = household.nl
        header.household_words = household
        header.language = identity.language or ""
        header.language_words = words("language", identity.language)
        header.channels = joined(identity.channels)
        header.channels_words = words_of("channel", identity.channels)
        header.representative = representative.nl
        header.representative_words = representative
    return header


def case_view(page: CasePage) -> CaseView:
    """The case page from the dossier's `CasePage`: newest timeline entries, contacts and
    messages first, referrals by agency."""
    summary = page.summary
    referrals = sorted(page.referrals or [], key=lambda r: r.agency_code)
    agency_of = {r.referral_id: r.agency_code for r in referrals}
    sharing = page.sharing
    return CaseView(
        header=_header(page.case_id, summary, page.identity),
        refused=sorted(page.refused),
        refused_words=words_of("case_part", sorted(page.refused)),
        referrals=[referral_row(r, agency_of) for r in referrals],
        timeline=[timeline_row(t) for t in reversed(page.timeline or [])],
        contacts=[contact_row(c) for c in reversed(page.contact_moments or [])],
        promises=[promise_row(p) for p in page.promises or []],
        documents=[
            document_row(d)
            for d in sorted(page.documents or [], key=lambda d: d.uploaded_at, reverse=True)
        ],
        grants=[grant_row(g) for g in (sharing.grants if sharing else [])],
        mandates=[mandate_row(m) for m in (sharing.mandates if sharing else [])],
        messages=[message_row(i) for i in reversed(summary.citizen_items if summary else [])],
        doorbraak=[doorbraak_row(o) for o in (summary.doorbraak if summary else [])],
        checklist=checklist_rows(page.checklist),
        checklist_counts=f"{page.checklist.to_do} / {page.checklist.late}"
        if page.checklist is not None and page.checklist.items
        else "",
    )
