"""What the pages render, made once from the dossier's typed answers.

`buddy.api` validates every dossier answer into its model from `voorportaal_contracts.api.dossier`
(`QueueItem`, `CasePage`, `SupervisorFigures`); the functions here turn a validated model into
the small dataclasses the pages hold in their state (Reflex state vars must be serialisable,
and dataclasses are what its docs recommend for them): texts already joined and formatted for
display, flags as real booleans, and every code a person reads as `Words` (Dutch and English,
from the one label table in `buddy.labels`) next to the code the pages keep for logic. No JSON
is read here, so no field is guessed at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from buddy.labels import Words, words, words_of
from voorportaal_contracts.api.dossier import (
    AgencyFigures,
    CaseChecklist,
    CasePage,
    DocumentOut,
    Identity,
    QueueItem,
    ReasonOut,
    Summary,
    SupervisorFigures,
)

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
"""The console's people read local time."""
URGENCY_ORDER: Final = {"acute": 0, "high": 1, "normal": 2}

FINAL_REFERRAL_STATES: Final = frozenset(
    {"declined", "completed", "returned", "withdrawn", "expired"}
)
"""Referral states in which nudging the agency makes no sense any more."""

OPEN_PROMISE_STATES: Final = frozenset({"open", "broken"})


def when(value: str | datetime | None) -> str:
    """An ISO timestamp as `YYYY-MM-DD HH:MM` (UTC, as the dossier writes it), else as is."""
    text = value.isoformat() if isinstance(value, datetime) else (value or "")
    return text[:16].replace("T", " ") if len(text) >= 16 and text[10:11] == "T" else text


def local_when(value: str | None) -> str:
    """An ISO timestamp as `YYYY-MM-DD HH:MM` in Amsterdam's time, else as `when` shows it."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return when(value)
    if moment.tzinfo is None:
        return when(value)
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


def size_words(size: int) -> Words:
    """A file size as a person reads it: `820 kB`, `2,4 MB` (`2.4 MB` in English), `10 MB`."""
    if size < 1024 * 1024:
        kb = max(1, round(size / 1024))
        return Words(nl=f"{kb} kB", en=f"{kb} kB")
    mb = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return Words(nl=f"{mb.replace('.', ',')} MB", en=f"{mb} MB")


def uploader_words(subject: str) -> Words:
    """Who uploaded a document: the citizen or a representative in words, else the staff id
    (the page shows a colleague's name instead)."""
    if subject == "citizen":
        return words("uploaded_by", "citizen")
    if subject.startswith("representative:"):
        return words("uploaded_by", "representative")
    return Words(nl=subject, en=subject)


def document_row(d: DocumentOut) -> DocumentRow:
    """One document of the case page, its codes as words."""
    return DocumentRow(
        id=d.id,
        title=d.title or "",
        media_type=d.media_type,
        size=str(d.size),
        by=d.uploaded_by,
        at=local_when(d.uploaded_at),
        shared_with=_joined(d.shared_with),
        type_words=words("document_type", d.media_type),
        size_words=size_words(d.size),
        by_words=uploader_words(d.uploaded_by),
        shared_words=words_of("agency", d.shared_with),
    )


def _joined(values: Iterable[str]) -> str:
    return ", ".join(str(v) for v in values)


def _person(name: str | None, kind: str, code: str | None) -> Words:
    """A name with a coded role in brackets, e.g. `Jan (Partner)`."""
    role = words(kind, code)
    return Words(nl=f"{name or ''} ({role.nl})", en=f"{name or ''} ({role.en})")


def _all(parts: Iterable[Words]) -> Words:
    each = list(parts)
    return Words(nl=", ".join(p.nl for p in each), en=", ".join(p.en for p in each))


# --------------------------------------------------------------------------- the work queue


@dataclass
class QueueRow:
    """One case in the work queue."""

    case_id: str
    urgency: str
    urgency_rank: int
    overdue: bool
    life_events: str
    agencies: str
    municipality: str
    state: str
    handover_to: str
    owner: str
    team: str
    opened_at: str
    """ISO, for sorting oldest first."""
    urgency_words: Words = field(default_factory=Words)
    life_events_words: Words = field(default_factory=Words)
    agencies_words: Words = field(default_factory=Words)
    municipality_words: Words = field(default_factory=Words)
    state_words: Words = field(default_factory=Words)
    for_me: bool = False
    """A handover addressed to the signed-in user."""
    checklist_todo: int = 0
    checklist_late: int = 0
    wish: bool = False
    """The citizen asked to talk to a person and nobody took the case since."""
    wish_answer_by: str = ""
    wish_reason_words: Words = field(default_factory=Words)
    wish_channel_words: Words = field(default_factory=Words)
    wish_time_words: Words = field(default_factory=Words)


def queue_row(item: QueueItem) -> QueueRow:
    """A queue row from the dossier's `QueueItem`."""
    urgency = item.urgency or "normal"
    wish = item.person_request
    return QueueRow(
        case_id=item.case_id,
        urgency=urgency,
        urgency_rank=URGENCY_ORDER.get(urgency, 3),
        overdue=item.overdue > 0,
        life_events=_joined(item.life_events),
        agencies=_joined(item.agencies),
        municipality=item.municipality_code or "",
        state=item.ownership_status,
        handover_to=item.handover_to or "",
        owner=item.owner_id or "",
        team=item.team or "",
        opened_at=item.opened_at.isoformat() if item.opened_at else "",
        urgency_words=words("urgency", urgency),
        life_events_words=words_of("life_event", item.life_events),
        agencies_words=words_of("agency", item.agencies),
        municipality_words=words("municipality", item.municipality_code),
        state_words=words("ownership", item.ownership_status),
        checklist_todo=item.checklist_todo,
        checklist_late=item.checklist_late,
        wish=wish is not None,
        wish_answer_by=when(wish.answer_by) if wish else "",
        wish_reason_words=words("recommendation_reason", "person_requested") if wish else Words(),
        wish_channel_words=words("channel", wish.channel) if wish else Words(),
        wish_time_words=words("preferred_time", wish.preferred_time) if wish else Words(),
    )


# --------------------------------------------------------------------------- the case page


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


def _checklist_rows(checklist: CaseChecklist | None) -> list[ChecklistRow]:
    """The checklist, late first, then what is still to do, then what is done."""
    if checklist is None:
        return []
    rows = []
    for item in checklist.items:
        state = "done" if item.done else "late" if item.late else "to_do"
        rows.append(
            ChecklistRow(
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
        )
    order = {"late": 0, "to_do": 1, "done": 2}
    return sorted(rows, key=lambda r: (order[r.state], r.due_on or "9999"))


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
        header.life_events = _joined(summary.life_events)
        header.needs = _joined(summary.needs)
        header.risks = _joined(summary.risks)
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
        household = _all(_person(m.name, "relation", m.relation) for m in identity.household)
        representative = _person(rep.name, "relation", rep.relation) if rep else Words()
        header.household = household.nl
        header.household_words = household
        header.language = identity.language or ""
        header.language_words = words("language", identity.language)
        header.channels = _joined(identity.channels)
        header.channels_words = words_of("channel", identity.channels)
        header.representative = representative.nl
        header.representative_words = representative
    return header


def _waits_on(agency_code: str | None, referral_id: str | None) -> Words:
    """The referral a held one waits on: its agency's name and the referral id."""
    if not referral_id:
        return Words()
    agency = words("agency", agency_code)
    return Words(nl=f"{agency.nl} ({referral_id})", en=f"{agency.en} ({referral_id})")


def _promiser(made_by: str | None, kind: str) -> Words:
    """Who made a promise: an agency by its name, a person by their id; then their kind."""
    if kind != "agency":
        return _person(made_by, "made_by", kind)
    agency, role = words("agency", made_by), words("made_by", kind)
    return Words(nl=f"{agency.nl} ({role.nl})", en=f"{agency.en} ({role.en})")


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
        referrals=[
            ReferralRow(
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
            for r in referrals
        ],
        timeline=[
            TimelineRow(at=when(t.at), nl=t.nl, en=t.en, type=t.type.rsplit(".", 1)[-1])
            for t in reversed(page.timeline or [])
        ],
        contacts=[
            ContactRow(
                at=when(c.at),
                channel=c.channel,
                by=c.by,
                summary=c.summary or "",
                next_steps=c.next_steps or "",
                confirmation=c.confirmation_requested,
                channel_words=words("channel", c.channel),
            )
            for c in reversed(page.contact_moments or [])
        ],
        promises=[
            PromiseRow(
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
            for p in page.promises or []
        ],
        documents=[
            document_row(d)
            for d in sorted(page.documents or [], key=lambda d: d.uploaded_at, reverse=True)
        ],
        grants=[
            GrantRow(
                agency_code=g.agency_code,
                scopes=_joined(g.scopes),
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
            for g in (sharing.grants if sharing else [])
        ],
        mandates=[
            MandateRow(
                id=m.mandate_id,
                holder=m.holder_name or "",
                relation=m.relation,
                scopes=_joined(m.scopes),
                valid_until=when(m.valid_until)[:10],
                revoked=m.revoked_at is not None,
                revoked_at=when(m.revoked_at),
                relation_words=words("relation", m.relation),
                scopes_words=words_of("scope", m.scopes),
            )
            for m in (sharing.mandates if sharing else [])
        ],
        messages=[
            MessageRow(
                kind=i.kind,
                text=i.text or "",
                by=i.by,
                at=when(i.at),
                kind_words=words("message_kind", i.kind),
                due_at=local_when(i.due_at)[:10],
                local_at=local_when(i.at),
            )
            for i in reversed(summary.citizen_items if summary else [])
        ],
        doorbraak=[
            DoorbraakRow(
                id=o.id,
                reason_code=o.reason_code,
                note=o.note or "",
                status=o.status,
                proposed_by=o.proposed_by,
                decided_by=o.decided_by or "",
                reason_words=words("doorbraak_reason", o.reason_code),
                status_words=words("doorbraak_state", o.status),
            )
            for o in (summary.doorbraak if summary else [])
        ],
        checklist=_checklist_rows(page.checklist),
        checklist_counts=f"{page.checklist.to_do} / {page.checklist.late}"
        if page.checklist is not None and page.checklist.items
        else "",
    )


# --------------------------------------------------------------------------- the supervisor


@dataclass
class QueueFigures:
    """How many cases stand where, and what is overdue or broken, as shown."""

    open_cases: str = ""
    unassigned: str = ""
    handover_requested: str = ""
    acute_cases: str = ""
    overdue_referrals: str = ""
    broken_promises: str = ""


@dataclass
class AgencyRow:
    """One agency's kastje-muur figures, as shown in the table."""

    agency_code: str
    referrals: str
    median_accept_hours: str
    decline_rate: str
    redirect_rate: str
    overdue_referrals: str
    broken_promises: str
    agency_words: Words = field(default_factory=Words)


@dataclass
class SupervisorView:
    figures: QueueFigures
    agencies: list[AgencyRow]
    chart: list[dict[str, str | float | int]]
    """Per agency the numbers the charts draw (recharts reads them by key)."""


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _agency_row(a: AgencyFigures) -> AgencyRow:
    return AgencyRow(
        agency_code=a.agency_code,
        referrals=str(a.referrals),
        median_accept_hours="-" if a.median_accept_hours is None else str(a.median_accept_hours),
        decline_rate=_rate(a.decline_rate),
        redirect_rate=_rate(a.redirect_rate),
        overdue_referrals=str(a.overdue_referrals),
        broken_promises=str(a.broken_promises),
        agency_words=words("agency", a.agency_code),
    )


def supervisor_view(figures: SupervisorFigures) -> SupervisorView:
    """The supervisor's overview from the dossier's `SupervisorFigures`."""
    queue = figures.queue
    return SupervisorView(
        figures=QueueFigures(
            open_cases=str(queue.open_cases),
            unassigned=str(queue.in_queue),
            handover_requested=str(queue.handover_requested),
            acute_cases=str(queue.acute_cases),
            overdue_referrals=str(figures.overdue_referrals),
            broken_promises=str(figures.broken_promises),
        ),
        agencies=[_agency_row(a) for a in figures.agencies],
        chart=[
            {
                "agency": a.agency_code,
                "agency_nl": words("agency", a.agency_code).nl,
                "agency_en": words("agency", a.agency_code).en,
                "accept_hours": a.median_accept_hours or 0.0,
                "decline_pct": round((a.decline_rate or 0) * 100),
                "redirect_pct": round((a.redirect_rate or 0) * 100),
                "broken_promises": a.broken_promises,
            }
            for a in figures.agencies
        ],
    )
