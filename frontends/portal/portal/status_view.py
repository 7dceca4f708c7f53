"""The status page's content, built from the dossier's citizen view in the citizen's language:
plain lines the page renders as they are (no codes, no rules in the page).

The dossier writes each sentence about the case (it knows the case) in Dutch and English, and
— once `ck-dossier`'s part of issue 15 is in — in Turkish, Arabic and Polish too (optional
`tr`, `ar`, `pl` on each sentence), with the checklist in the asked language (`checklist`).
Both are read from the answer's JSON here, so the page shows them the moment the dossier sends
them; a text missing in a language falls back to Dutch, never to a code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from portal.status_words import language_of, long_date, word
from voorportaal_contracts.document_requests import requested_document
from voorportaal_contracts.types import RIGHT_TO_LEFT


@dataclasses.dataclass(frozen=True)
class Line:
    """One sentence on the page, with an optional plain note under it."""

    text: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class ChecklistLine:
    """One job on the checklist as the page shows it."""

    item_id: str
    title: str
    agency: str
    why: str
    due: str
    """The deadline written out ("Uiterlijk woensdag 9 december 2026"), or empty."""
    done: bool
    late: bool
    state: str
    """Done, to do or late, in words (never only a colour)."""
    phone: str
    phone_href: str
    web: str
    web_label: str
    refer: str
    """"We arrange this for you", when the voorportaal refers the citizen itself."""
    toggle_label: str


@dataclasses.dataclass(frozen=True)
class DocumentRequest:
    """A document the buddy asked the citizen for (a citizen action `request_text` made)."""

    action_id: str
    what: str
    """The document as staff typed it."""
    heading: str
    """"Send this document: <what>" in the citizen's language."""
    due: str
    """The deadline written out, or empty."""


@dataclasses.dataclass(frozen=True)
class StatusPage:
    """Everything the status page shows, in one language."""

    language: str
    direction: str
    status: str
    closed: bool
    buddy: str
    buddy_contact: str
    """How to reach the buddy (or the front counter), a sentence; `buddy_phone` its number."""
    buddy_phone: str
    buddy_tel: str
    arranged: list[Line]
    waiting: list[Line]
    promises: list[Line]
    next_steps: list[Line]
    messages: list[Line]
    checklist: list[ChecklistLine]
    partly_refused: bool
    documents: list[DocumentRequest] = dataclasses.field(default_factory=list)
    """The documents asked for, each with an upload on the page (not among `next_steps`)."""


def pick(text: Mapping[str, Any] | str | None, language: str) -> str:
    """A text in `language` from `{nl, en, tr?, ar?, pl?}` (Dutch when that one is missing
    or empty); a plain string is taken as it is."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    chosen = text.get(language_of(language))
    if isinstance(chosen, str) and chosen.strip():
        return chosen
    fallback = text.get("nl")
    return fallback if isinstance(fallback, str) else ""


_PROMISE_STATES = frozenset({"open", "kept", "kept_late", "broken"})


def _sentences(raw: Sequence[Any], language: str) -> list[Line]:
    lines = []
    for sentence in raw:
        if not isinstance(sentence, Mapping):
            continue
        on, agency = sentence.get("on"), sentence.get("agency")
        note = ""
        promise = sentence.get("status")
        if sentence.get("promise_id") and promise in _PROMISE_STATES:
            note = word(f"status.promise.{promise}", language)
        elif on == "buddy":
            note = word("status.on_buddy", language)
        elif on and agency and on != agency:
            # The step waits on another agency's decision (estafette).
            note = word("status.chain", language)
        lines.append(Line(text=pick(sentence, language), note=note))
    return [line for line in lines if line.text]


def shown_number(phone: str) -> str:
    """A number as shown: its spaces no-break, so it never wraps over two lines, and isolated
    left to right (U+2066 … U+2069), so an Arabic sentence does not turn "14 030" into
    "030 14"."""
    return "\u2066" + phone.replace(" ", "\u00a0") + "\u2069" if phone else ""


def tel(phone: str) -> str:
    """A `tel:` address for a number as people write it ("0800 1234" → "tel:08001234")."""
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    return f"tel:{digits}" if digits else ""


def _due(value: Any, language: str) -> tuple[str, date | None]:
    if not value:
        return "", None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return "", None
    return word("status.due", language, date=long_date(day, language)), day


def _checklist(raw: Any, language: str, today: date) -> list[ChecklistLine]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return []
    keyed: list[tuple[tuple[bool, bool, date], ChecklistLine]] = []
    for item in raw:
        if not isinstance(item, Mapping) or not item.get("item_id"):
            continue
        title = pick(item.get("title"), language)
        agency = pick(item.get("agency_name"), language) or str(item.get("agency") or "")
        why_raw = item.get("why")
        whys = why_raw if isinstance(why_raw, list) else [why_raw]
        why = " ".join(text for text in (pick(w, language) for w in whys) if text)
        due, due_day = _due(item.get("due_on"), language)
        done = bool(item.get("done"))
        late = bool(item.get("late")) or (not done and due_day is not None and due_day < today)
        state = (
            word("status.done", language)
            if done
            else word("status.late", language)
            if late
            else word("status.to_do", language)
        )
        phone = str(item.get("phone") or "")
        web = str(item.get("web") or "")
        line = ChecklistLine(
            item_id=str(item["item_id"]),
            title=title,
            agency=agency,
            why=why,
            due=due,
            done=done,
            late=late,
            state=state,
            phone=word("status.call", language, phone=phone) if phone else "",
            phone_href=tel(phone),
            web=web if web.startswith(("https://", "http://")) else "",
            web_label=word("status.website", language, agency=agency) if web else "",
            refer=word("status.we_refer", language) if item.get("refer") else "",
            toggle_label=word("status.mark_done", language, title=title),
        )
        # Still to do first (what is late before the rest), by deadline; done ones last.
        keyed.append(((done, not late, due_day or date.max), line))
    keyed.sort(key=lambda pair: pair[0])
    return [line for _, line in keyed]


def status_page(raw: Mapping[str, Any], language: str, *, today: date) -> StatusPage:
    """The status page in `language` from the dossier's citizen view (its JSON)."""
    lang = language_of(language)
    status = raw.get("status") or {}
    buddy = raw.get("buddy") or {}
    reach = raw.get("reach") or {}
    phone = str(reach.get("phone") or "") if isinstance(reach, Mapping) else ""
    next_steps = _sentences(raw.get("next_steps") or [], lang)
    documents: list[DocumentRequest] = []
    for action in raw.get("actions") or []:
        if not isinstance(action, Mapping) or not action.get("text"):
            continue
        text, due = str(action["text"]), _due(action.get("due_at"), lang)[0]
        what = requested_document(text)
        if what is None:
            next_steps.append(Line(text=text, note=due))
        else:
            documents.append(
                DocumentRequest(
                    action_id=str(action.get("id") or ""),
                    what=what,
                    heading=word("status.send_document", lang, what=what),
                    due=due,
                )
            )
    return StatusPage(
        language=lang,
        direction="rtl" if lang in RIGHT_TO_LEFT else "ltr",
        status=pick(status, lang),
        closed=bool(status.get("closed")) if isinstance(status, Mapping) else False,
        buddy=pick(buddy, lang),
        buddy_contact=pick(reach, lang) if isinstance(reach, Mapping) else "",
        buddy_phone=shown_number(phone),
        buddy_tel=tel(phone),
        arranged=_sentences(raw.get("arranged") or [], lang),
        waiting=_sentences(raw.get("waiting") or [], lang),
        promises=_sentences(raw.get("promises") or [], lang),
        next_steps=next_steps,
        messages=[
            Line(text=str(message["text"]))
            for message in raw.get("messages") or []
            if isinstance(message, Mapping) and message.get("text")
        ],
        checklist=_checklist(raw.get("checklist"), lang, today),
        partly_refused=bool(raw.get("refused")),
        documents=documents,
    )


def megabytes(size: int) -> str:
    """A size limit in whole MB as people write it ("10")."""
    return str(max(1, round(size / (1024 * 1024))))


def upload_refusal(status: int, detail: str) -> str:
    """The key of the words that say why the dossier refused a citizen's document (its
    `DocumentRefused` reasons and the body limit), never the dossier's own English."""
    said = detail.lower()
    if status == 413 or "larger than" in said or "too large" in said:
        return "status.upload_too_big"
    if "empty" in said:
        return "status.upload_empty"
    if "only pdf" in said or "but it is a" in said or "type" in said:
        return "status.upload_wrong_type"
    return "status.upload_failed"
