"""The citizen's side of the dossier: a signed, time-limited link, their view, their export.

A link token is `<payload>.<signature>`, both base64url without padding; the payload names the
case, the expiry (Unix seconds) and the purpose (`view`, `sharing`, `export` …), and the
signature is HMAC-SHA256 over it with a key only the dossier holds. `verify_link` checks the
signature first (in constant time), then the case, the purpose and the expiry, and says which
one failed. The key is passed in: nothing here reads settings or the clock.

A `v2` payload adds two fields, both covered by the signature and either may be empty: the
*holder* (the mandate id of a representative's link, as in the short links of
`voorportaal_contracts.citizen_links`) and the *link id* under which the dossier recorded the
link, so that revoking that record refuses every link issued under it. `v1` links (no holder,
no record) are still read until they expire.

`citizen_view` is what the link shows: what is arranged, what waits on whom, what the citizen
must do next (their checklist+ too), who their buddy is and how to reach a person, and with
whom they share — in plain language in every citizen language (`citizen_texts`).
`export` is the whole dossier as JSON-ready data, for the right of access (AVG art. 15).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from hashlib import sha256
from typing import Any, Final

from voorportaal_contracts.types import ReferralMode
from voorportaal_dossier.domain.agencies import agency_name, in_sentence
from voorportaal_dossier.domain.case_state import (
    CASE_ADAPTER,
    CaseState,
    Referral,
    ReferralStatus,
    TimelineEntry,
)
from voorportaal_dossier.domain.checklist import dutch_day, open_wish
from voorportaal_dossier.domain.citizen_texts import LANGUAGES, day_texts, join, say, time_text
from voorportaal_dossier.domain.errors import DossierError
from voorportaal_dossier.domain.promises import MadeBy, PromiseStatus
from voorportaal_kit.audit import AuditRecord

MIN_KEY_BYTES: Final = 32
_VERSION: Final = "v1"
_VERSION_2: Final = "v2"
_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_DOMAIN: Final = b"voorportaal-citizen-link\n"
_PURPOSE: Final = re.compile(r"[a-z][a-z_]{0,31}")
_CASE_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,63}")
_MAX_TOKEN: Final = 512
EXPORT_FORMAT: Final = "nl.voorportaal.dossier-export"


class LinkProblem(StrEnum):
    """Why a link was not accepted."""

    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    WRONG_CASE = "wrong_case"
    WRONG_PURPOSE = "wrong_purpose"
    EXPIRED = "expired"
    REVOKED = "revoked"


_PROBLEM_TEXT: Final = {
    LinkProblem.MALFORMED: "the link is incomplete or damaged",
    LinkProblem.BAD_SIGNATURE: "the link was not issued by Voorportaal or was changed",
    LinkProblem.WRONG_CASE: "the link belongs to another case",
    LinkProblem.WRONG_PURPOSE: "the link is meant for something else",
    LinkProblem.EXPIRED: "the link has expired; ask for a new one",
    LinkProblem.REVOKED: "the link was revoked; ask for a new one",
}


class InvalidLink(DossierError):
    """A citizen link was refused (401 at the edge); `problem` says why."""

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(_PROBLEM_TEXT[problem])
        self.problem = problem


@dataclass(frozen=True, slots=True)
class LinkClaims:
    """What a valid link grants."""

    case_id: str
    purpose: str
    expires_at: datetime
    holder: str | None = None
    """The mandate id of a representative's link; None for the citizen's own."""
    link_id: str | None = None
    """The record the dossier keeps of this link (revocable); None for a `v1` link."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise InvalidLink(LinkProblem.MALFORMED)
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidLink(LinkProblem.MALFORMED) from None
    # Unused bits in the last character would let two spellings carry the same bytes.
    if _b64(raw) != text:
        raise InvalidLink(LinkProblem.MALFORMED)
    return raw


def _check_key(key: bytes) -> None:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the link key must be at least {MIN_KEY_BYTES} bytes")


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + payload, sha256).digest()


def sign_link(
    key: bytes,
    *,
    case_id: str,
    purpose: str,
    expires_at: datetime,
    holder: str | None = None,
    link_id: str | None = None,
) -> str:
    """A url-safe token for a case and purpose, valid until `expires_at` (whole seconds);
    `holder` makes it a representative's link, `link_id` names its revocable record."""
    _check_key(key)
    if not _CASE_ID.fullmatch(case_id):
        raise ValueError("not a case id")
    if not _PURPOSE.fullmatch(purpose):
        raise ValueError("purpose must be a short lowercase code")
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must include a timezone")
    for name, value in (("holder", holder), ("link_id", link_id)):
        if value is not None and not _ID.fullmatch(value):
            raise ValueError(f"{name} must be a short id")
    fields = [_VERSION, case_id, str(int(expires_at.timestamp())), purpose]
    if holder is not None or link_id is not None:
        fields = [_VERSION_2, *fields[1:], holder or "", link_id or ""]
    payload = "|".join(fields).encode("ascii")
    return f"{_b64(payload)}.{_b64(_mac(key, payload))}"


def _read(key: bytes, token: str) -> tuple[str, datetime, str, str | None, str | None]:
    """(case, expiry, purpose, holder, link id) of a token whose signature is ours."""
    _check_key(key)
    if len(token) > _MAX_TOKEN or token.count(".") != 1:
        raise InvalidLink(LinkProblem.MALFORMED)
    payload_text, signature_text = token.split(".")
    payload, signature = _unb64(payload_text), _unb64(signature_text)
    if not hmac.compare_digest(signature, _mac(key, payload)):
        raise InvalidLink(LinkProblem.BAD_SIGNATURE)
    try:
        fields = payload.decode("ascii").split("|")
        version, link_case, expiry, link_purpose = fields[:4]
        expires_at = datetime.fromtimestamp(int(expiry), UTC)
    except (UnicodeDecodeError, ValueError, OverflowError, OSError):
        raise InvalidLink(LinkProblem.MALFORMED) from None
    if version == _VERSION and len(fields) == 4:
        return link_case, expires_at, link_purpose, None, None
    if version != _VERSION_2 or len(fields) != 6:
        raise InvalidLink(LinkProblem.MALFORMED)
    holder, link_id = fields[4] or None, fields[5] or None
    return link_case, expires_at, link_purpose, holder, link_id


def verify_link(key: bytes, token: str, *, case_id: str, purpose: str, now: datetime) -> LinkClaims:
    """The claims of a valid link for this case and purpose at `now`, or `InvalidLink`."""
    link_case, expires_at, link_purpose, holder, link_id = _read(key, token)
    if not hmac.compare_digest(link_case.encode(), case_id.encode()):
        raise InvalidLink(LinkProblem.WRONG_CASE)
    if link_purpose != purpose:
        raise InvalidLink(LinkProblem.WRONG_PURPOSE)
    if now >= expires_at:
        raise InvalidLink(LinkProblem.EXPIRED)
    return LinkClaims(link_case, link_purpose, expires_at, holder, link_id)


def open_link(key: bytes, token: str, *, purpose: str, now: datetime) -> LinkClaims:
    """The claims of a valid link for `purpose` at `now`, whatever case it names (the caller
    compares the case, so that a link used on another case is refused and audited)."""
    link_case, expires_at, link_purpose, holder, link_id = _read(key, token)
    if link_purpose != purpose:
        raise InvalidLink(LinkProblem.WRONG_PURPOSE)
    if now >= expires_at:
        raise InvalidLink(LinkProblem.EXPIRED)
    return LinkClaims(link_case, link_purpose, expires_at, holder, link_id)


# --------------------------------------------------------------------------- the view


def _line(texts: Mapping[str, str], **extra: Any) -> dict[str, Any]:
    """A line of the view: the sentence in every language, with the ids it is about."""
    return {**texts, **extra}


def _names(code: str) -> tuple[dict[str, str], dict[str, str]]:
    """An agency's name at the start of a sentence and inside one, per language."""
    name = agency_name(code)
    start = {language: name.get(language) for language in LANGUAGES}
    inside = {**start, "nl": in_sentence(name.nl), "en": in_sentence(name.en)}
    return start, inside


def _referral_line(case: CaseState, referral: Referral) -> tuple[str, dict[str, Any]] | None:
    """Which list a referral belongs in (`arranged`, `waiting`, `todo`) and its line."""
    start, inside = _names(referral.agency_code)
    base = {"agency": referral.agency_code, "referral_id": referral.referral_id}
    status = referral.status
    if referral.mode is ReferralMode.SELF_CONTACT and referral.is_open:
        return "todo", _line(say("self_contact", a=inside), **base)
    if status is ReferralStatus.COMPLETED:
        return "arranged", _line(say("completed", A=start), **base)
    if status in {ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}:
        return "arranged", _line(say("helping", A=start), **base)
    if status is ReferralStatus.HELD:
        before = case.referral(referral.waits_on) if referral.waits_on else None
        if before is not None:
            _, b = _names(before.agency_code)
            return "waiting", _line(say("next_after", A=start, b=b), on=before.agency_code, **base)
        return "waiting", _line(say("next_after_step", A=start), on="earlier_step", **base)
    if status in {ReferralStatus.ISSUED, ReferralStatus.RECEIVED}:
        if referral.due_at is not None:
            return "waiting", _line(
                say("waiting_by", a=inside, d=day_texts(referral.due_at)),
                on=referral.agency_code,
                **base,
            )
        return "waiting", _line(say("waiting", a=inside), on=referral.agency_code, **base)
    if status in {ReferralStatus.DECLINED, ReferralStatus.RETURNED, ReferralStatus.EXPIRED}:
        return "waiting", _line(say("cannot_help", A=start), on="buddy", **base)
    return None  # withdrawn: no longer needed


def _sharing_lines(
    case: CaseState, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """With whom the citizen shares, and their representatives' mandates, with each status."""
    sharing = [
        {
            "grant_id": g.grant_id,
            "agency": g.agency_code,
            "name": _names(g.agency_code)[0],
            "scopes": sorted(g.scopes),
            "valid_until": g.valid_until.isoformat(),
            "status": g.status(now),
        }
        for g in case.grants
    ]
    mandates = [
        {
            "mandate_id": m.mandate_id,
            "holder_name": m.holder_name,
            "relation": m.relation.value,
            "scopes": sorted(m.scopes),
            "valid_until": m.valid_until.isoformat(),
            "status": m.status(now),
        }
        for m in case.mandates
    ]
    return sharing, mandates


_PROMISE_OUTCOME: Final = {
    PromiseStatus.FULFILLED: ("kept", "promise_kept"),
    PromiseStatus.BROKEN: ("broken", "promise_broken"),
}


def _promise_lines(case: CaseState, todo: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The promises made to the citizen, each saying whether it was kept; the citizen's own
    open terms go onto `todo`."""
    promises: list[dict[str, Any]] = []
    for promise in case.promises:
        d = day_texts(promise.due_at)
        what = promise.what or ""
        if promise.made_by_kind is MadeBy.CITIZEN:
            if promise.status is PromiseStatus.OPEN:
                todo.append(_line(say("you_agreed", what=what, d=d), promise_id=promise.promise_id))
            continue
        who = (
            _names(promise.made_by)[0]
            if promise.made_by_kind is MadeBy.AGENCY
            else say("your_buddy")
        )
        text = say("promised", who=who, what=what, d=d)
        status = "open"
        if promise.status is not PromiseStatus.OPEN:
            late = promise.status is PromiseStatus.BROKEN and promise.fulfilled_at is not None
            status, outcome = (
                ("kept_late", "promise_kept_late") if late else (_PROMISE_OUTCOME[promise.status])
            )
            text = join(text, say(outcome))
        promises.append(_line(text, promise_id=promise.promise_id, status=status))
    return promises


def checklist_lines(case: CaseState, language: str, today: date) -> list[dict[str, Any]]:
    """The checklist+ in the citizen's language (the content's Dutch where it lacks one)."""
    checklist = case.checklist
    return [
        {
            "item_id": item.item_id,
            "title": item.title.get(language),
            "why": [why.get(language) for why in item.why],
            "agency": item.agency,
            "agency_name": item.agency_name.get(language),
            "phone": item.phone,
            "web": item.web,
            "due_on": item.due_on,
            "deadline_rule": item.deadline_rule.get(language) if item.deadline_rule else None,
            "done": checklist.item_done(item.item_id),
            "late": checklist.item_late(item, today),
            "refer": item.refer,
        }
        for item in checklist.items
    ]


def _checklist_steps(case: CaseState, today: date) -> list[dict[str, Any]]:
    """What the checklist asks of the citizen now, as next steps."""
    left, late = case.checklist.still_to_do(), case.checklist.late_count(today)
    lines = []
    if left:
        key = "checklist_one_left" if left == 1 else "checklist_left"
        lines.append(_line(say(key, n=str(left)), on="checklist"))
    if late:
        key = "checklist_one_late" if late == 1 else "checklist_late"
        lines.append(_line(say(key, n=str(late)), on="checklist"))
    return lines


def reach_line(case: CaseState, phone: str | None) -> dict[str, Any] | None:
    """How the citizen reaches a person: their buddy (or the buddy's team) when the case has
    one, else the front counter; None when no number is known."""
    if phone is None:
        return None
    owner = case.ownership.owner
    if owner is not None:
        return _line(say("reach_buddy", name=owner.name, phone=phone), name=owner.name, phone=phone)
    return _line(say("reach_counter", phone=phone), phone=phone)


def person_request_line(case: CaseState) -> dict[str, Any] | None:
    """The citizen's open wish to talk to a person, and by when they hear from us."""
    wish = open_wish(case.person_requests)
    if wish is None:
        return None
    return _line(
        say("person_requested", d=day_texts(wish.answer_by), t=time_text(wish.answer_by)),
        on="buddy",
    )


def citizen_view(
    case: CaseState, *, now: datetime, language: str = "nl", phone: str | None = None
) -> dict[str, Any]:
    """What the citizen's link shows, in plain language (B1) in every citizen language, with
    the checklist in `language`, as JSON-ready data; `phone` is the number to reach a person."""
    today = dutch_day(now)
    lists: dict[str, list[dict[str, Any]]] = {"arranged": [], "waiting": [], "todo": []}
    for referral in case.referrals:
        line = _referral_line(case, referral)
        if line is not None:
            lists[line[0]].append(line[1])
    promises = _promise_lines(case, lists["todo"])
    lists["todo"].extend(_checklist_steps(case, today))
    owner = case.ownership.owner
    buddy = (
        _line(say("buddy_named", name=owner.name), name=owner.name)
        if owner is not None
        else _line(say("buddy_none"))
    )
    if not lists["todo"]:
        lists["todo"].append(_line(say("nothing_to_do")))
    sharing, mandates = _sharing_lines(case, now)
    closed = case.closed_at is not None
    return {
        "case_id": case.case_id,
        "language": language,
        "status": _line(say("case_closed" if closed else "case_open"), closed=closed),
        "buddy": buddy,
        "reach": reach_line(case, phone),
        "person_request": person_request_line(case),
        "arranged": lists["arranged"],
        "waiting": lists["waiting"],
        "next_steps": lists["todo"],
        "promises": promises,
        "checklist": checklist_lines(case, language, today),
        "sharing": sharing,
        "mandates": mandates,
    }


def case_language(case: CaseState) -> str:
    """The language the citizen reads: their contact details', else the one the intake, the
    checklist or a wish said, else Dutch."""
    contact = case.citizen.language if case.citizen else None
    for language in (contact, case.language):
        if language in LANGUAGES:
            return language
    return "nl"


def export(
    case: CaseState,
    timeline: Sequence[TimelineEntry],
    audit_for_citizen: Sequence[AuditRecord],
) -> dict[str, Any]:
    """The whole dossier for the right of access: the case, its timeline and who looked.

    An audit record about another case is a wiring bug and raises `ValueError`: it must
    never reach someone else's export.
    """
    foreign = [r for r in audit_for_citizen if r.case_id != case.case_id]
    if foreign:
        raise ValueError("audit records of another case were passed to an export")
    data = CASE_ADAPTER.dump_python(case, mode="json")
    data.pop("timeline", None)
    data.pop("applied", None)
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "case_id": case.case_id,
        "case": data,
        "timeline": [
            {"at": e.at.isoformat(), "type": e.event_type, "nl": e.nl, "en": e.en} for e in timeline
        ],
        "access_log": [
            {
                "at": r.at.isoformat(),
                "who": r.actor,
                "role": r.role,
                "on_behalf_of": r.on_behalf_of,
                "data": r.data_kind,
                "object_id": r.object_id,
                "purpose": r.purpose,
                "action": r.action.value,
                "allowed": r.outcome.value == "allowed",
            }
            for r in audit_for_citizen
        ],
    }
