"""What the case page holds (`CaseView`): its header and the rows of its parts (referrals,
timeline, contacts, promises, documents, sharing, messages, doorbraak, checklist), each part's
row made by its own function from its dossier model; `buddy.rows.case` puts them together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from buddy.labels import Words, words, words_of
from buddy.rows.formats import bracketed, joined, local_when, person, size_words, when
from voorportaal_contracts.api.dossier import (
    CaseChecklist,
    CaseChecklistItem,
    CitizenItemOut,
    ContactMomentOut,
    DocumentOut,
    DoorbraakOut,
    GrantOut,
    MandateOut,
    PromiseOut,
    ReferralOut,
    TimelineEntryOut,
)

FINAL_REFERRAL_STATES: Final = frozenset(
    {"declined", "completed", "returned", "withdrawn", "expired"}
)
"""Referral states in which nudging the agency makes no sense any more."""

OPEN_PROMISE_STATES: Final = frozenset({"open", "broken"})


@dataclass
class CaseHeader:
    """The top of the case page: the story so far, the citizen, the owner."""

    case_id: str = ""
    urgency: str = ""
    redzaamheid: str = ""
    life_events: str = ""
    needs: str = ""
    risks: str = ""
    municipality: str = ""
    opened_at: str = ""
    closed_at: str = ""
    status: str = ""
    owner_id: str = ""
    owner_name: str = ""
    owner_team: str = ""
    owner_since: str = ""
    pending_to_id: str = ""
    pending_to_name: str = ""
    pending_note: str = ""
    reasons_nl: str = ""
    reasons_en: str = ""
    notifications_sent: str = "0"
    notifications_failed: str = "0"
    citizen: str = ""
    household: str = ""
    language: str = ""
    channels: str = ""
    representative: str = ""
    urgency_words: Words = field(default_factory=Words)
    redzaamheid_words: Words = field(default_factory=Words)
    life_events_words: Words = field(default_factory=Words)
    needs_words: Words = field(default_factory=Words)
    risks_words: Words = field(default_factory=Words)
    municipality_words: Words = field(default_factory=Words)
    status_words: Words = field(default_factory=Words)
    language_words: Words = field(default_factory=Words)
    channels_words: Words = field(default_factory=Words)
    household_words: Words = field(default_factory=Words)
    representative_words: Words = field(default_factory=Words)


@dataclass
class ReferralRow:
    id: str
    agency_code: str
    service_id: str
    state: str
    mode: str
    due_at: str
    overdue: bool
    waits_on: str
    """The agency and referral this one waits on (an estafette chain)."""
    decline_reason: str
    reminders: str
    outcome: str
    open: bool
    """Not final yet: the agency can still be nudged."""
    agency_words: Words = field(default_factory=Words)
    service_words: Words = field(default_factory=Words)
    state_words: Words = field(default_factory=Words)
    mode_words: Words = field(default_factory=Words)
    waits_on_words: Words = field(default_factory=Words)
    decline_words: Words = field(default_factory=Words)


@dataclass
class TimelineRow:
    at: str
    nl: str
    en: str
    type: str


@dataclass
class ContactRow:
    at: str
    channel: str
    by: str
    summary: str
    next_steps: str
    confirmation: bool
    channel_words: Words = field(default_factory=Words)


@dataclass
class PromiseRow:
    id: str
    made_by: str
    what: str
    due_at: str
    state: str
    overdue: bool
    """Broken: its date passed."""
    open: bool
    """Can still be marked kept."""
    made_by_words: Words = field(default_factory=Words)
    state_words: Words = field(default_factory=Words)


@dataclass
class DocumentRow:
    """A document's metadata as the table shows it (the content is downloaded on its own)."""

    id: str
    title: str
    media_type: str
    size: str
    by: str
    """The uploader's subject (a staff id, `citizen`, or a representative's)."""
    at: str
    """When it was uploaded, local time (Europe/Amsterdam)."""
    shared_with: str = ""
    """Agency codes; empty: every agency the case shares documents with."""
    type_words: Words = field(default_factory=Words)
    size_words: Words = field(default_factory=Words)
    by_words: Words = field(default_factory=Words)
    """The citizen or a representative in words; a staff id stays as it is (the page puts a
    colleague's name in its place)."""
    shared_words: Words = field(default_factory=Words)


@dataclass
class GrantRow:
    """A sharing grant to an agency."""

    agency_code: str
    scopes: str
    valid_until: str
    by: str
    channel: str
    revoked: bool
    holder_words: Words = field(default_factory=Words)
    """The agency's name."""
    scopes_words: Words = field(default_factory=Words)
    by_words: Words = field(default_factory=Words)
    channel_words: Words = field(default_factory=Words)
    id: str = ""
    revoked_at: str = ""
    """When it was revoked (`YYYY-MM-DD HH:MM`), or empty while it holds."""


@dataclass
class MandateRow:
    """A representative's mandate (*machtiging*): who, how related, what they may do."""

    id: str
    holder: str
    relation: str
    scopes: str
    valid_until: str
    revoked: bool
    revoked_at: str
    relation_words: Words = field(default_factory=Words)
    scopes_words: Words = field(default_factory=Words)


@dataclass
class MessageRow:
    kind: str
    text: str
    by: str
    at: str
    kind_words: Words = field(default_factory=Words)
    due_at: str = ""
    """By when the citizen is asked to do it (an action), local date."""
    local_at: str = ""
    """`at` in local time (Europe/Amsterdam)."""


@dataclass
class DoorbraakRow:
    id: str
    reason_code: str
    note: str
    status: str
    proposed_by: str
    decided_by: str
    reason_words: Words = field(default_factory=Words)
    status_words: Words = field(default_factory=Words)


@dataclass
class ChecklistRow:
    """One job of the citizen's checklist+: to do, late or done (and who ticked it)."""

    id: str
    title: str
    title_en: str
    due_on: str
    state: str
    """`to_do`, `late` or `done`."""
    late: bool
    done_at: str
    agency_words: Words = field(default_factory=Words)
    state_words: Words = field(default_factory=Words)
    done_by_words: Words = field(default_factory=Words)


@dataclass
class CaseView:
    """The whole case page; a part the dossier refused this user is empty and named in
    `refused`."""

    header: CaseHeader
    refused: list[str] = field(default_factory=list)
    refused_words: Words = field(default_factory=Words)
    referrals: list[ReferralRow] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    promises: list[PromiseRow] = field(default_factory=list)
    documents: list[DocumentRow] = field(default_factory=list)
    grants: list[GrantRow] = field(default_factory=list)
    mandates: list[MandateRow] = field(default_factory=list)
    messages: list[MessageRow] = field(default_factory=list)
    doorbraak: list[DoorbraakRow] = field(default_factory=list)
    checklist: list[ChecklistRow] = field(default_factory=list)
    checklist_counts: str = ""
    """Still to do / late, e.g. `3 / 1`; empty when the case has no checklist."""


def referral_row(r: ReferralOut, agency_of: dict[str, str]) -> ReferralRow:
    """One referral; `agency_of` names the agency of the referral a held one waits on."""
    return ReferralRow(
        id=r.referral_id,
        agency_code=r.agency_code,
        service_id=r.service_code or "",
        state=r.status,
        mode=r.mode,
        due_at=when(r.due_at),
        overdue=r.overdue,
        waits_on=f"{agency_of.get(r.waits_on, '')} ({r.waits_on})" if r.waits_on else "",
        decline_reason=r.decline_reason or "",
        reminders=str(r.reminders),
        outcome=r.outcome or r.stalled_reason or "",
        open=r.status not in FINAL_REFERRAL_STATES,
        agency_words=words("agency", r.agency_code),
        service_words=words("service", r.service_code),
        state_words=words("referral_state", r.status),
        mode_words=words("referral_mode", r.mode),
        waits_on_words=_waits_on(agency_of.get(r.waits_on or ""), r.waits_on),
        decline_words=words("decline_reason", r.decline_reason),
    )


def _waits_on(agency_code: str | None, referral_id: str | None) -> Words:
    """The referral a held one waits on: its agency's name and the referral id."""
    if not referral_id:
        return Words()
    return bracketed(words("agency", agency_code), Words(nl=referral_id, en=referral_id))


def timeline_row(t: TimelineEntryOut) -> TimelineRow:
    """One timeline entry, its event type without the topic's prefix."""
    return TimelineRow(at=when(t.at), nl=t.nl, en=t.en, type=t.type.rsplit(".", 1)[-1])


def contact_row(c: ContactMomentOut) -> ContactRow:
    """One contact moment."""
    return ContactRow(
        at=when(c.at),
        channel=c.channel,
        by=c.by,
        summary=c.summary or "",
        next_steps=c.next_steps or "",
        confirmation=c.confirmation_requested,
        channel_words=words("channel", c.channel),
    )


def promise_row(p: PromiseOut) -> PromiseRow:
    """One promise: broken is overdue; open or broken can still be kept."""
    return PromiseRow(
        id=p.promise_id,
        made_by=f"{p.made_by or ''} ({p.made_by_kind})",
        what=p.what or "",
        due_at=when(p.due_at),
        state=p.status,
        overdue=p.status == "broken",
        open=p.status in OPEN_PROMISE_STATES,
        made_by_words=_promiser(p.made_by, p.made_by_kind),
        state_words=words("promise_state", p.status),
    )


def _promiser(made_by: str | None, kind: str) -> Words:
    """Who made a promise: an agency by its name, a person by their id; then their kind."""
    if kind != "agency":
        return person(made_by, "made_by", kind)
    return bracketed(words("agency", made_by), words("made_by", kind))


def document_row(d: DocumentOut) -> DocumentRow:
    """One document of the case page, its codes as words."""
    return DocumentRow(
        id=d.id,
        title=d.title or "",
        media_type=d.media_type,
        size=str(d.size),
        by=d.uploaded_by,
        at=local_when(d.uploaded_at),
        shared_with=joined(d.shared_with),
        type_words=words("document_type", d.media_type),
        size_words=size_words(d.size),
        by_words=uploader_words(d.uploaded_by),
        shared_words=words_of("agency", d.shared_with),
    )


def uploader_words(subject: str) -> Words:
    """Who uploaded a document: the citizen or a representative in words, else the staff id
    (the page shows a colleague's name instead)."""
    if subject == "citizen":
        return words("uploaded_by", "citizen")
    if subject.startswith("representative:"):
        return words("uploaded_by", "representative")
    return Words(nl=subject, en=subject)


def grant_row(g: GrantOut) -> GrantRow:
    """One sharing grant to an agency."""
    return GrantRow(
        agency_code=g.agency_code,
        scopes=joined(g.scopes),
        valid_until=when(g.valid_until)[:10],
        by=g.granted_by or "",
        channel=g.channel or "",
        revoked=g.revoked_at is not None,
        holder_words=words("agency", g.agency_code),
        scopes_words=words_of("scope", g.scopes),
        by_words=words("granted_by", g.granted_by),
        channel_words=words("channel", g.channel),
        id=g.grant_id,
        revoked_at=when(g.revoked_at),
    )


def mandate_row(m: MandateOut) -> MandateRow:
    """One representative's mandate."""
    return MandateRow(
        id=m.mandate_id,
        holder=m.holder_name or "",
        relation=m.relation,
        scopes=joined(m.scopes),
        valid_until=when(m.valid_until)[:10],
        revoked=m.revoked_at is not None,
        revoked_at=when(m.revoked_at),
        relation_words=words("relation", m.relation),
        scopes_words=words_of("scope", m.scopes),
    )


def message_row(i: CitizenItemOut) -> MessageRow:
    """One message or action for the citizen."""
    return MessageRow(
        kind=i.kind,
        text=i.text or "",
        by=i.by,
        at=when(i.at),
        kind_words=words("message_kind", i.kind),
        due_at=local_when(i.due_at)[:10],
        local_at=local_when(i.at),
    )


def doorbraak_row(o: DoorbraakOut) -> DoorbraakRow:
    """One proposed doorbraak and its decision."""
    return DoorbraakRow(
        id=o.id,
        reason_code=o.reason_code,
        note=o.note or "",
        status=o.status,
        proposed_by=o.proposed_by,
        decided_by=o.decided_by or "",
        reason_words=words("doorbraak_reason", o.reason_code),
        status_words=words("doorbraak_state", o.status),
    )


def checklist_rows(checklist: CaseChecklist | None) -> list[ChecklistRow]:
    """The checklist, late first, then what is still to do, then what is done."""
    if checklist is None:
        return []
    order = {"late": 0, "to_do": 1, "done": 2}
    rows = [_checklist_row(item) for item in checklist.items]
    return sorted(rows, key=lambda r: (order[r.state], r.due_on or "9999"))


def _checklist_row(item: CaseChecklistItem) -> ChecklistRow:
    state = "done" if item.done else "late" if item.late else "to_do"
    return ChecklistRow(
        id=item.item_id,
        title=item.title,
        title_en=item.title_en or item.title,
        due_on=item.due_on.isoformat() if item.due_on else "",
        state=state,
        late=item.late,
        done_at=when(item.done_at),
        agency_words=words("agency", item.agency),
        state_words=words("checklist_state", state),
        done_by_words=words("done_by", item.done_by),
    )
