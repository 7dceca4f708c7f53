"""The rows of the case lists: the work queue (`QueueItem`), how it sorts and filters, and the
find page (`CaseSearchHit`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from buddy.labels import Words, words, words_of
from buddy.rows.formats import joined, when
from voorportaal_contracts.api.dossier import CaseSearchHit, QueueItem

URGENCY_ORDER: Final = {"acute": 0, "high": 1, "normal": 2}

FILTERS: Final = ("life_events", "agencies", "municipality", "state")
"""The queue's filters, each a `QueueRow` field: a code of it, or part of its words."""

FILTER_KINDS: Final = {
    "life_events": "life_event",
    "agencies": "agency",
    "municipality": "municipality",
    "state": "ownership",
}
"""Which kind of the label table each filter's codes are (the choices the page offers)."""


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
        life_events=joined(item.life_events),
        agencies=joined(item.agencies),
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


def sort_queue(rows: list[QueueRow]) -> list[QueueRow]:
    """Overdue first, then by urgency (acute, high, normal), then oldest first."""
    return sorted(rows, key=lambda r: (not r.overdue, r.urgency_rank, r.opened_at))


def filter_queue(rows: list[QueueRow], filters: Mapping[str, str]) -> list[QueueRow]:
    """The rows that match each non-empty filter value (case-insensitive): one of the field's
    codes exactly (`owned` is not `unowned`), or part of its Dutch or English words
    (`Amsterdam` finds `GM0363`); the filters are named after `QueueRow` fields (`FILTERS`)."""
    wanted = {k: v.strip().lower() for k, v in filters.items() if k in FILTERS and v and v.strip()}

    def matches(row: QueueRow, name: str, value: str) -> bool:
        codes = {code.strip().lower() for code in str(getattr(row, name)).split(",")}
        said: Words = getattr(row, f"{name}_words")
        return value in codes or value in said.nl.lower() or value in said.en.lower()

    return [r for r in rows if all(matches(r, k, v) for k, v in wanted.items())]


@dataclass
class FoundRow:
    """A case a search or the recent cases list shows."""

    case_id: str
    name: str
    """The citizen's name; empty when the searcher may not read it (or in recent cases)."""
    opened_at: str
    closed: bool
    owner: str
    basis_words: Words = field(default_factory=Words)
    life_events_words: Words = field(default_factory=Words)
    state_words: Words = field(default_factory=Words)
    urgency_words: Words = field(default_factory=Words)
    municipality_words: Words = field(default_factory=Words)


def found_row(hit: CaseSearchHit) -> FoundRow:
    """A row from the dossier's `CaseSearchHit`."""
    return FoundRow(
        case_id=hit.case_id,
        name=hit.name or "",
        opened_at=when(hit.opened_at),
        closed=hit.closed,
        owner=hit.owner_id or "",
        basis_words=words("access_basis", hit.basis),
        life_events_words=words_of("life_event", hit.life_events),
        state_words=words("ownership", hit.ownership_status),
        urgency_words=words("urgency", hit.urgency or "normal"),
        municipality_words=words("municipality", hit.municipality_code),
    )
