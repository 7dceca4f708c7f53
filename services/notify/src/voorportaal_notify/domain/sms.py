"""SMS length rules: GSM-7 or UCS-2 encoding, segment counts, and trimming to a segment limit.

One SMS holds 140 bytes. In GSM 03.38 (GSM-7) that is 160 characters, or 153 per segment once a
message is split (the rest is the concatenation header); characters from the extension table
take an escape plus the character, so they count twice and are never split across segments.
Any character outside GSM-7 (Turkish ş, Polish ł, Arabic, emoji …) switches the whole message to
UCS-2: 70 characters, or 67 per segment; characters outside the Basic Multilingual Plane take
two UTF-16 units and are not split either.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The GSM 03.38 basic character set (without the escape code itself)."""

GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
"""Characters reached through the escape code: each costs two septets."""

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

ELLIPSIS = "..."
"""What trimmed text ends with: three dots, as the ellipsis character is not GSM-7."""


class SmsEncoding(StrEnum):
    """How a text is encoded on the air interface."""

    GSM7 = "gsm7"
    UCS2 = "ucs2"


@dataclass(frozen=True)
class SmsLength:
    """What a text costs as SMS."""

    encoding: SmsEncoding
    units: int
    """Septets (GSM-7) or UTF-16 code units (UCS-2)."""
    segments: int


class SmsTooLong(ValueError):
    """The parts that may not be cut (the link) do not fit in the allowed segments."""


def is_gsm7(text: str) -> bool:
    """Whether every character of `text` exists in GSM-7 (basic set or extension table)."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def encoding_of(text: str) -> SmsEncoding:
    """GSM-7 when every character allows it, otherwise UCS-2."""
    return SmsEncoding.GSM7 if is_gsm7(text) else SmsEncoding.UCS2


def _unit_costs(text: str, encoding: SmsEncoding) -> list[int]:
    if encoding is SmsEncoding.GSM7:
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def measure(text: str) -> SmsLength:
    """The encoding, units and segment count of `text` (an empty text is one segment)."""
    encoding = encoding_of(text)
    costs = _unit_costs(text, encoding)
    units = sum(costs)
    single, multi = (
        (GSM7_SINGLE, GSM7_MULTI) if encoding is SmsEncoding.GSM7 else (UCS2_SINGLE, UCS2_MULTI)
    )
    if units <= single:
        return SmsLength(encoding, units, 1)
    # Fill segments one character at a time: a two-unit character that does not fit in what is
    # left of a segment starts the next one, as handsets and gateways do.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return SmsLength(encoding, units, segments)


def segment_count(text: str) -> int:
    """How many SMS segments `text` takes."""
    return measure(text).segments


def _trim_words(text: str) -> str:
    """`text` without its last word (and trailing spaces)."""
    cut = text.rstrip().rfind(" ")
    return text[:cut].rstrip() if cut > 0 else ""


def fit_sms(text: str, *, keep: str, max_segments: int = 3) -> str:
    """`text` trimmed to at most `max_segments` segments, never cutting `keep` (the link).

    Text after `keep` goes first, then words before it, which end in an ellipsis. When `keep`
    does not occur in `text` it is appended, so a message always carries its link. Raises
    `SmsTooLong` when `keep` alone does not fit.
    """
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    if keep not in text:
        text = f"{text.rstrip()} {keep}" if text.strip() else keep
    if segment_count(text) <= max_segments:
        return text
    if segment_count(keep) > max_segments:
        raise SmsTooLong(f"the link alone takes more than {max_segments} segments")
    before, _, after = text.partition(keep)
    # Drop what follows the link first: it is a closing line at most.
    if after.strip() and segment_count(before + keep) <= max_segments:
        while after.strip():
            candidate = before + keep + after
            if segment_count(candidate) <= max_segments:
                return candidate
            after = _trim_words(after)
        return before + keep
    body = before.rstrip()
    while body:
        body = _trim_words(body)
        candidate = f"{body}{ELLIPSIS} {keep}" if body else keep
        if segment_count(candidate) <= max_segments:
            return candidate
    return keep
