"""Notices: the two messages notify sends to one given address, outside the bundled updates.

- `verification_code`: the one-time code that confirms a phone or e-mail address. It is the
  only message that may go to an address the citizen has not confirmed, so it says the code and
  nothing else (no link, no case, no name).
- `staff_notice`: to a staff member who chose to hear of their console notifications by e-mail
  (`StaffNotificationRequested`): only a link to the case in the console, no case details; in
  Dutch and English (staff read the console in those).
- `contact_changed`: told to the **old** address when a phone number or e-mail address changes,
  so a hijacked address cannot go unnoticed. It carries no link and never the new address (the
  old address may belong to someone the citizen no longer shares it with).

Texts are data (`data/<version>/notices/*.toml`, all five languages side by side). The only
variable is `{{ code }}`, filled by plain substitution: there is no template language to misuse.
Codes are rate-limited per address (`code_allowed`) so that many intakes cannot flood one phone.
"""

from __future__ import annotations

import hashlib
import hmac
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from voorportaal_contracts.types import CitizenLanguage, MessageChannel
from voorportaal_notify.domain.render import Message, has_stray_space
from voorportaal_notify.domain.sms import measure
from voorportaal_notify.domain.templates import DEFAULT_LANGUAGE

LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
CODE_VARIABLE = "{{ code }}"
LINK_VARIABLE = "{{ link }}"
"""The console link of a staff notice (the only notice with a link: it goes to staff)."""


class NoticeKind(StrEnum):
    """Which notice."""

    VERIFICATION_CODE = "verification_code"
    CONTACT_CHANGED = "contact_changed"
    REPRESENTATIVE_CODE = "representative_code"
    """The code that confirms a representative's address for copies of the citizen's news."""
    STAFF_NOTICE = "staff_notice"
    """A staff member's console notification by e-mail: a link to the case, nothing else."""


CODE_KINDS = frozenset({NoticeKind.VERIFICATION_CODE, NoticeKind.REPRESENTATIVE_CODE})
"""The notices that carry a one-time code (and count against an address's code limit)."""
LINK_KINDS = frozenset({NoticeKind.STAFF_NOTICE})
"""The notices that carry a link (to the console: they go to staff, never to a citizen)."""


class NoticeStatus(StrEnum):
    """Where a notice stands; the last five are final (address and code are blanked)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    RATE_LIMITED = "rate_limited"
    CANCELLED = "cancelled"


OPEN_NOTICE_STATUSES = (NoticeStatus.PENDING.value, NoticeStatus.SENDING.value)


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NoticeText(_Strict):
    """One notice in one language."""

    subject: str = Field(min_length=1, max_length=120)
    body: list[str] = Field(min_length=1, max_length=4)
    """Paragraphs of the e-mail (plain text)."""
    sms: str = Field(min_length=1, max_length=300)


class NoticeDef(_Strict):
    """One notice, in every language."""

    id: NoticeKind
    description: str = Field(min_length=1)
    texts: dict[LanguageCode, NoticeText]

    @model_validator(mode="after")
    def _variables(self) -> NoticeDef:
        if DEFAULT_LANGUAGE not in self.texts:
            raise ValueError(f"notice {self.id} has no {DEFAULT_LANGUAGE} text")
        for language, text in self.texts.items():
            for part in (text.subject, text.sms, *text.body):
                rest = part.replace(CODE_VARIABLE, "")
                if self.id in LINK_KINDS and part in text.body:
                    rest = rest.replace(LINK_VARIABLE, "")
                if "{{" in rest or "}}" in rest or "{%" in rest:
                    raise ValueError(f"{self.id}/{language}: only {CODE_VARIABLE} may be used")
            has_code = CODE_VARIABLE in text.sms and any(CODE_VARIABLE in p for p in text.body)
            if self.id in CODE_KINDS and not has_code:
                raise ValueError(f"{self.id}/{language}: the SMS and the e-mail need the code")
            if self.id not in CODE_KINDS and CODE_VARIABLE in repr(text):
                raise ValueError(f"{self.id}/{language}: only a code notice has a code")
            has_link = any(LINK_VARIABLE in p for p in text.body)
            if (self.id in LINK_KINDS) != has_link:
                raise ValueError(f"{self.id}/{language}: only a staff notice has a link (body)")
            if "http" in repr(text):
                raise ValueError(f"{self.id}/{language}: a notice carries no link")
        return self


class NoticeCatalogue(_Strict):
    """Every notice of a version, and each language's writing direction (from common texts)."""

    notices: dict[NoticeKind, NoticeDef]
    directions: dict[LanguageCode, Literal["ltr", "rtl"]]

    @model_validator(mode="after")
    def _complete(self) -> NoticeCatalogue:
        missing = set(NoticeKind) - set(self.notices)
        if missing:
            raise ValueError(f"notices missing: {sorted(missing)}")
        for kind, notice in self.notices.items():
            if kind != notice.id:
                raise ValueError(f"notice {notice.id} filed as {kind}")
        return self

    def render(
        self, kind: NoticeKind, language: str, *, code: str | None = None, link: str | None = None
    ) -> Message:
        """The notice in `language` (Dutch when it has no translation), ready to send."""
        notice = self.notices[kind]
        if (kind in CODE_KINDS) != (code is not None):
            raise ValueError("a code notice needs a code, and only a code notice takes one")
        if code is not None and not (len(code) == 6 and code.isdigit()):
            raise ValueError("a code is six digits")
        if (kind in LINK_KINDS) != (link is not None):
            raise ValueError("a staff notice needs a link, and only a staff notice takes one")
        lang = language if language in notice.texts else DEFAULT_LANGUAGE
        text = notice.texts[lang]

        def fill(part: str) -> str:
            if link is not None:
                part = part.replace(LINK_VARIABLE, link)
            return part.replace(CODE_VARIABLE, code) if code is not None else part

        paragraphs = [fill(p) for p in text.body]
        direction = self.directions.get(lang, "ltr")
        sms = fill(text.sms)
        length = measure(sms)
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
        page = (
            f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{html.escape(fill(text.subject))}</title>\n'
            f'</head>\n<body>\n<div lang="{lang}" dir="{direction}" '
            f'style="font-family:Arial,Helvetica,sans-serif;font-size:17px;line-height:1.5;">\n'
            f"{body}</div>\n</body>\n</html>\n"
        )
        return Message(
            template_id=kind.value,
            language=lang,
            subject=fill(text.subject),
            text="\n\n".join(paragraphs) + "\n",
            html=page,
            sms=sms,
            sms_encoding=length.encoding,
            sms_segments=length.segments,
        )


def address_of(channel: MessageChannel, email: str | None, phone: str | None) -> str | None:
    """The address a channel uses."""
    if channel is MessageChannel.EMAIL:
        return email
    if channel is MessageChannel.SMS:
        return phone
    return None


def address_key(key: bytes, channel: MessageChannel, address: str) -> str:
    """A keyed hash of an address: counts codes per address without storing it in the clear
    (and the same across cases, so many intakes naming one phone share one limit)."""
    normalised = address.strip().lower() if channel is MessageChannel.EMAIL else address.strip()
    material = f"notify-address|{channel.value}|{normalised}".encode()
    return hmac.new(key, material, hashlib.sha256).hexdigest()


def code_allowed(
    earlier: Sequence[datetime],
    now: datetime,
    *,
    per_hour: int,
    per_day: int,
) -> bool:
    """Whether another code may go to an address that got codes at `earlier` times."""
    last_hour = sum(1 for at in earlier if now - at < timedelta(hours=1))
    last_day = sum(1 for at in earlier if now - at < timedelta(days=1))
    return last_hour < per_hour and last_day < per_day


@dataclass(frozen=True)
class NoticeRecord:
    """A queued notice as kept: where it goes (until it is done) and how its sending stands."""

    id: str
    case_id: str
    kind: NoticeKind
    channel: MessageChannel
    address: str | None
    """Blanked when the notice is done."""
    code: str | None
    """Blanked when the notice is done."""
    language: str
    status: NoticeStatus
    attempts: int
    next_attempt_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True)
class NewNotice:
    """A notice as it is queued: a pending one carries its address (and code) until it is
    done; one refused at once (expired, rate-limited) never holds either."""

    id: str
    case_id: str
    kind: NoticeKind
    channel: MessageChannel
    language: str
    status: NoticeStatus
    created_at: datetime
    address_key: str | None = None
    """Keyed hash of the address (codes are counted per address by it)."""
    address: str | None = None
    code: str | None = None
    reason_code: str | None = None
    next_attempt_at: datetime | None = None
    expires_at: datetime | None = None


def notice_problems(catalogue: NoticeCatalogue) -> list[str]:
    """What the content check reports about the notices: a citizen language a notice lacks, and
    stray spaces (as `render.translation_problems` finds them in the templates)."""
    out: list[str] = []
    for kind, notice in sorted(catalogue.notices.items()):
        # A staff notice goes to staff, who read Dutch or English; the others go to citizens.
        languages = ("nl", "en") if kind in LINK_KINDS else [lang.value for lang in CitizenLanguage]
        out += [
            f"notice {kind.value}: no {language} text"
            for language in languages
            if language not in notice.texts
        ]
        for language, text in sorted(notice.texts.items()):
            parts = {"subject": text.subject, "sms": text.sms}
            parts.update({f"body[{i}]": p for i, p in enumerate(text.body)})
            out += [
                f"notice {kind.value}.{language}.{name}: stray space in {value!r}"
                for name, value in parts.items()
                if has_stray_space(value)
            ]
    return out
