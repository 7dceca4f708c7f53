"""The citizen's personal link: short, signed, time-limited, scoped to one case.

Notify puts it in every message; the dossier, which serves the citizen's view, checks it. Both
hold the same key. It lives here so that both use one implementation.

An SMS has 160 GSM-7 characters (70 in UCS-2 for Turkish, Arabic, Polish), so the link must be
short. A token reads `<case_id>.<expiry><page>.<signature>`:

- `expiry`: the last valid moment in Unix seconds, base 36 (six characters until 2059);
- `page`: one letter for the page of the citizen view it opens (`PAGE_CODES`);
- `signature`: the first 96 bits of HMAC-SHA256 over `s1|case|expiry|page` with a key that
  notify shares with the dossier (which serves the view), base64url (16 characters).

A representative's link names its holder: `<case_id>.<expiry><page>~<holder>.<signature>`,
where `holder` is the id of the mandate the link acts under and is covered by the signature
(`s1|case|expiry|page|holder`). The dossier opens such a link only while that mandate is
current and only within its scopes; the citizen's own link has no holder.

96 bits leave nothing to guess online, and the case id in clear reveals nothing but a random
id (it is in the dossier's own links as well). A token is about 50 characters; the link with
its base URL stays well under one GSM-7 segment's worth of the message.
"""

from __future__ import annotations

import base64
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from typing import Final, Literal

LinkPage = Literal["overview", "checklist", "contact", "promises", "actions", "timeline"]
"""The page of the citizen's view a link opens."""

PAGE_CODES: Final[dict[str, str]] = {
    "overview": "o",
    "checklist": "c",
    "contact": "k",
    "promises": "p",
    "actions": "a",
    "timeline": "t",
}
"""The one-letter code of each page a link may open."""

_PAGES_BY_CODE: Final = {code: page for page, code in PAGE_CODES.items()}
_DOMAIN: Final = b"voorportaal-citizen-short-link\n"
_VERSION: Final = "s1"
_SIGNATURE_CHARS: Final = 16
_TOKEN: Final = re.compile(
    r"(?P<case>[A-Za-z0-9][A-Za-z0-9-]{5,63})\.(?P<exp>[0-9a-z]{1,7})(?P<page>[a-z])"
    r"(?:~(?P<holder>[A-Za-z0-9][A-Za-z0-9_-]{0,63}))?\.(?P<sig>[A-Za-z0-9_-]{16})"
)
MIN_KEY_BYTES: Final = 32


class InvalidLink(ValueError):
    """The token is malformed, forged, or expired."""


@dataclass(frozen=True)
class LinkClaims:
    """What a valid token grants: one case's citizen view, until `expires_at`."""

    case_id: str
    page: str
    expires_at: datetime
    holder: str | None = None
    """The mandate id of a representative's link; None for the citizen's own link."""


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
        if value == 0:
            return out


def _signature(
    key: bytes, case_id: str, expiry: str, page_code: str, holder: str | None = None
) -> str:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the link key must be at least {MIN_KEY_BYTES} bytes")
    fields = [_VERSION, case_id, expiry, page_code] + ([holder] if holder is not None else [])
    payload = "|".join(fields).encode("ascii")
    digest = hmac.new(key, _DOMAIN + payload, sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:_SIGNATURE_CHARS]


def sign_link_token(
    key: bytes,
    *,
    case_id: str,
    page: LinkPage,
    expires_at: datetime,
    holder: str | None = None,
) -> str:
    """A short token for a case's citizen view, valid until `expires_at` (whole seconds).

    `holder` is a representative's mandate id: the link then acts only under that mandate.
    """
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    expiry = _base36(int(expires_at.timestamp()))
    code = PAGE_CODES[page]
    named = f"~{holder}" if holder is not None else ""
    token = f"{case_id}.{expiry}{code}{named}.{_signature(key, case_id, expiry, code, holder)}"
    if not _TOKEN.fullmatch(token):
        raise ValueError("not a case id or mandate id")
    return token


def verify_link_token(key: bytes, token: str, *, now: datetime) -> LinkClaims:
    """The claims of a valid, unexpired token, or `InvalidLink`."""
    found = _TOKEN.fullmatch(token)
    if found is None or found["page"] not in _PAGES_BY_CODE:
        raise InvalidLink("the link is incomplete or damaged")
    expected = _signature(key, found["case"], found["exp"], found["page"], found["holder"])
    if not hmac.compare_digest(expected, found["sig"]):
        raise InvalidLink("the link was not issued by Voorportaal or was changed")
    expires_at = datetime.fromtimestamp(int(found["exp"], 36), UTC)
    if now >= expires_at:
        raise InvalidLink("the link has expired; ask for a new one")
    return LinkClaims(found["case"], _PAGES_BY_CODE[found["page"]], expires_at, found["holder"])


def citizen_link(base_url: str, token: str) -> str:
    """The full link: the citizen view's base URL with the token as its last path segment."""
    return f"{base_url.rstrip('/')}/{token}"


def short_link_id(token: str) -> str:
    """The id under which a short link is kept and revoked: a hash of the token (the token is
    a secret and never leaves the link itself). The dossier and notify both use this one."""
    return "link-s" + sha256(token.encode("ascii")).hexdigest()[:32]
