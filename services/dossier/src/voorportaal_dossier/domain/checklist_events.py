"""The projection's handlers of the citizen's own work: the checklist+ (issued, ticked off,
overdue) and a wish to talk to a person. Each folds one fact into the case, whatever order the
facts arrive in, and says it in a sentence for the casemanager's timeline ("The citizen ticked
off …", "… is late")."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Final

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events.checklist import (
    ChecklistEntry,
    ChecklistIssued,
    ChecklistItemDone,
    ChecklistItemOverdue,
    PersonRequested,
)
from voorportaal_contracts.events.checklist import Texts as ContractTexts
from voorportaal_dossier.domain import ownership as own
from voorportaal_dossier.domain.case_state import CaseState, ReasonText, Recommendation, replace
from voorportaal_dossier.domain.checklist import (
    AMSTERDAM,
    PERSON_REQUESTED_RULE,
    ChecklistItem,
    DoneMark,
    OverdueReport,
    PersonWish,
    Texts,
)
from voorportaal_dossier.domain.fold import Sentence, day_text, event_data, on_event, replace_item

BY_ROLE_TEXT: Final = {
    "citizen": ("De burger", "The citizen"),
    "representative": ("Een vertegenwoordiger van de burger", "A representative of the citizen"),
    "staff": ("Een medewerker", "A member of staff"),
}
CHANNEL_WISH_TEXT: Final = {
    "phone": ("telefonisch", "by phone"),
    "video": ("via videobellen", "by video call"),
    "desk": ("aan de balie", "at the desk"),
    "chat": ("via de chat", "by chat"),
}
PERSON_REQUESTED_REASON: Final = ReasonText(
    PERSON_REQUESTED_RULE,
    "De burger heeft gevraagd om met een persoon te praten.",
    "The citizen asked to talk to a person.",
)


def _texts(raw: ContractTexts) -> Texts:
    return Texts(raw.nl, raw.en, raw.tr, raw.ar, raw.pl)


def _item(entry: ChecklistEntry) -> ChecklistItem:
    return ChecklistItem(
        item_id=entry.item_id,
        agency=entry.agency,
        agency_name=_texts(entry.agency_name),
        title=_texts(entry.title),
        why=tuple(_texts(w) for w in entry.why),
        due_on=entry.due_on,
        deadline_rule=_texts(entry.deadline_rule) if entry.deadline_rule else None,
        contact=tuple(entry.contact),
        phone=entry.phone,
        web=entry.web,
        refer=entry.refer,
        depends_on=tuple(entry.depends_on),
    )


def _title(case: CaseState, item_id: str) -> tuple[str, str]:
    """An item's title for the timeline ("a task" while its checklist has not arrived)."""
    item = case.checklist.item(item_id)
    if item is None:
        return "een taak", "a task"
    return f"'{item.title.nl}'", f"'{item.title.en}'"


@on_event(ChecklistIssued.event_type)
def _checklist_issued(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ChecklistIssued)
    n = len(data.items)
    tasks_nl, tasks_en = ("taak", "task") if n == 1 else ("taken", "tasks")
    first = case.checklist.revision == 0
    # The newest revision replaces the items; an older one arriving late changes nothing.
    if data.revision > case.checklist.revision:
        checklist = replace(
            case.checklist,
            intake_id=data.intake_id,
            revision=data.revision,
            language=data.language.value,
            issued_at=data.issued_at,
            items=tuple(_item(e) for e in data.items),
        )
        case = replace(case, checklist=checklist, language=case.language or data.language.value)
    if first:
        return case, Sentence(
            f"De burger heeft een checklist gekregen ({n} {tasks_nl}).",
            f"The citizen received a checklist ({n} {tasks_en}).",
        )
    return case, Sentence(
        f"De checklist is bijgewerkt ({n} {tasks_nl}).",
        f"The checklist was updated ({n} {tasks_en}).",
    )


@on_event(ChecklistItemDone.event_type)
def _checklist_item_done(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ChecklistItemDone)
    old = case.checklist.mark(data.item_id)
    # The newest tick wins, whatever order the ticks arrive in.
    if old is None or data.at >= old.at:
        mark = DoneMark(data.item_id, data.done, data.by_role, data.at)
        marks = replace_item(case.checklist.marks, lambda m: m.item_id, mark)
        case = replace(case, checklist=replace(case.checklist, marks=marks))
    who_nl, who_en = BY_ROLE_TEXT[data.by_role]
    what_nl, what_en = _title(case, data.item_id)
    if data.done:
        return case, Sentence(
            f"{who_nl} heeft {what_nl} afgevinkt.", f"{who_en} ticked off {what_en}."
        )
    return case, Sentence(
        f"{who_nl} heeft het vinkje bij {what_nl} weggehaald.",
        f"{who_en} unticked {what_en}.",
    )


@on_event(ChecklistItemOverdue.event_type)
def _checklist_item_overdue(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, ChecklistItemOverdue)
    report = OverdueReport(data.item_id, data.due_on, data.at)
    known = {(r.item_id, r.due_on) for r in case.checklist.overdue}
    if (report.item_id, report.due_on) not in known:
        overdue = (*case.checklist.overdue, report)
        case = replace(case, checklist=replace(case.checklist, overdue=overdue))
    what_nl, what_en = _title(case, data.item_id)
    day_nl, day_en = day_text_of(data.due_on)
    return case, Sentence(
        f"{what_nl[0].upper()}{what_nl[1:]} is te laat: dit moest uiterlijk {day_nl}.",
        f"{what_en[0].upper()}{what_en[1:]} is late: it was due by {day_en}.",
    )


def day_text_of(day: date) -> tuple[str, str]:
    """A date (no time) as the timeline says it."""
    return day_text(datetime.combine(day, time(12), tzinfo=AMSTERDAM))


@on_event(PersonRequested.event_type)
def _person_requested(case: CaseState, envelope: Envelope) -> tuple[CaseState, Sentence]:
    data = event_data(envelope, PersonRequested)
    existing = next((w for w in case.person_requests if w.request_id == data.request_id), None)
    wish = PersonWish(
        request_id=data.request_id,
        channel=data.channel,
        preferred_time=data.preferred_time,
        language=data.language.value,
        via=data.via,
        requested_at=data.requested_at,
        answer_by=data.answer_by,
        closed_at=existing.closed_at if existing else None,
    )
    ownership = case.ownership
    since = ownership.owner_since
    if existing is None and ownership.owner is not None and since and since >= data.requested_at:
        # The case was taken after the wish was made (the facts crossed): it is answered.
        wish = replace(wish, closed_at=since)
    wishes = replace_item(case.person_requests, lambda w: w.request_id, wish)
    # The case joins the queue, recommended for a buddy for this reason (unless owned).
    reasons = case.recommendation.reasons if case.recommendation else ()
    if all(r.rule != PERSON_REQUESTED_RULE for r in reasons):
        reasons = (*reasons, PERSON_REQUESTED_REASON)
    recommended_at = case.recommendation.recommended_at if case.recommendation else None
    recommendation = Recommendation(reasons, recommended_at or data.requested_at)
    ownership = own.recommend(ownership, at=data.requested_at).state
    case = replace(
        case,
        person_requests=wishes,
        recommendation=recommendation,
        ownership=ownership,
        language=case.language or data.language.value,
    )
    how_nl, how_en = CHANNEL_WISH_TEXT[data.channel]
    return case, Sentence(
        f"De burger wil met een persoon praten ({how_nl}).",
        f"The citizen asked to talk to a person ({how_en}).",
    )
