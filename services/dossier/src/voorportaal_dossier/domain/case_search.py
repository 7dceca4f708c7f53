"""Finding a case: what a staff member may search by, how each kind of term is checked and
normalised, and whether a case matches (pure rules, no IO).

A term is one of five kinds. BSN and case id match exactly (a BSN must pass the 11-proof);
a postcode matches in its normal form (`1234 ab` → `1234AB`); a phone number in E.164
(`06-12345678` → `+31612345678`, as notify's `contact.points` carries it); a name matches a
case-insensitive part of the citizen's name. A term that is none of these is refused with
the field and the reason, before anything is read.

The audit log never holds the term of a search: it holds `term_ref`, a keyed hash (HMAC-SHA256
with a key of the dossier's), so an investigator who knows a BSN can find the searches for it,
and nobody who reads the log can read the BSN back.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from voorportaal_dossier.domain.errors import InvalidInput

if TYPE_CHECKING:
    from voorportaal_dossier.domain.case_state import CaseState

MIN_NAME_LENGTH = 2
"""A name term shorter than this would match nearly everyone."""
MAX_TERM_LENGTH = 120

_CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{5,63}")
_POSTCODE = re.compile(r"([1-9][0-9]{3}) ?([A-Z]{2})")
_PHONE_NOISE = re.compile(r"[\s\-().]")
_E164 = re.compile(r"\+[1-9]\d{7,14}")


class SearchKind(StrEnum):
    """What a search term is."""

    NAME = "name"
    BSN = "bsn"
    CASE_ID = "case_id"
    POSTCODE = "postcode"
    PHONE = "phone"


IDENTITY_KINDS = frozenset({SearchKind.NAME, SearchKind.BSN, SearchKind.POSTCODE, SearchKind.PHONE})
"""Kinds that match on who the citizen is: only cases whose identity the searcher may read."""


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """A checked, normalised term."""

    kind: SearchKind
    value: str


def is_valid_bsn(value: str) -> bool:
    """Nine digits passing the 11-proof (weights 9 … 2 and -1; never all zeros)."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and any(digits)


def normalise_postcode(value: str) -> str | None:
    """`1234 ab` → `1234AB`; None when it is no Dutch postcode."""
    match = _POSTCODE.fullmatch(value.strip().upper())
    return f"{match[1]}{match[2]}" if match else None


def normalise_phone(value: str) -> str | None:
    """A Dutch or international number in E.164 (`06-12345678`, `0031 6 1234 5678`,
    `+31612345678` → `+31612345678`); None when it is no phone number."""
    digits = _PHONE_NOISE.sub("", value.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0") and len(digits) == 10 and digits.isdigit():
        digits = "+31" + digits[1:]
    return digits if _E164.fullmatch(digits) else None


def guess_kind(value: str) -> SearchKind:
    """The kind of a term typed without one: a BSN-like number, a postcode, a phone number,
    a case id (`vp-…`), else a name."""
    term = value.strip()
    compact = _PHONE_NOISE.sub("", term)
    if compact.isdigit() and len(compact) == 9:
        return SearchKind.BSN
    if normalise_postcode(term) is not None:
        return SearchKind.POSTCODE
    if compact.startswith(("+", "0")) and compact.lstrip("+").isdigit():
        return SearchKind.PHONE
    if term.lower().startswith("vp-") and _CASE_ID.fullmatch(term):
        return SearchKind.CASE_ID
    return SearchKind.NAME


def parse_term(value: str, kind: SearchKind | None) -> SearchTerm:
    """The checked and normalised term (`kind` None: guessed); `InvalidInput` naming the field
    (`q`) and the reason otherwise."""
    term = value.strip()
    if not term:
        raise InvalidInput("q", "give a search term / geef een zoekterm")
    if len(term) > MAX_TERM_LENGTH:
        raise InvalidInput(
            "q", f"at most {MAX_TERM_LENGTH} characters / ten hoogste {MAX_TERM_LENGTH} tekens"
        )
    kind = kind or guess_kind(term)
    if kind is SearchKind.BSN:
        bsn = _PHONE_NOISE.sub("", term)
        if not is_valid_bsn(bsn):
            raise InvalidInput(
                "q",
                "not a valid BSN: 9 digits that pass the 11-proof / "
                "geen geldig BSN: 9 cijfers die de elfproef doorstaan",
            )
        return SearchTerm(kind, bsn)
    if kind is SearchKind.CASE_ID:
        if not _CASE_ID.fullmatch(term):
            raise InvalidInput("q", "not a case id / geen zaaknummer")
        return SearchTerm(kind, term.lower())
    if kind is SearchKind.POSTCODE:
        postcode = normalise_postcode(term)
        if postcode is None:
            raise InvalidInput("q", "not a Dutch postcode (1234 AB) / geen postcode (1234 AB)")
        return SearchTerm(kind, postcode)
    if kind is SearchKind.PHONE:
        phone = normalise_phone(term)
        if phone is None:
            raise InvalidInput(
                "q", "not a phone number (06-12345678) / geen telefoonnummer (06-12345678)"
            )
        return SearchTerm(kind, phone)
    if len(term) < MIN_NAME_LENGTH:
        raise InvalidInput(
            "q", f"a name needs at least {MIN_NAME_LENGTH} letters / een naam is te kort"
        )
    return SearchTerm(SearchKind.NAME, " ".join(term.casefold().split()))


def matches(case: CaseState, term: SearchTerm) -> bool:
    """Whether the case is the one (or one of those) the term names."""
    if term.kind is SearchKind.CASE_ID:
        return case.case_id.lower() == term.value
    citizen = case.citizen
    if citizen is None or case.anonymised_at is not None:
        return False
    if term.kind is SearchKind.BSN:
        return citizen.bsn == term.value
    if term.kind is SearchKind.POSTCODE:
        return citizen.postcode is not None and normalise_postcode(citizen.postcode) == term.value
    if term.kind is SearchKind.PHONE:
        return citizen.phone is not None and normalise_phone(citizen.phone) == term.value
    return citizen.name is not None and term.value in " ".join(citizen.name.casefold().split())


def stored_hints(term: SearchTerm) -> tuple[str, ...]:
    """Strings the stored case (its JSON, case-folded) holds whenever `term` matches it, so a
    search can pass over the rest without parsing them: the BSN, the E.164 number, the
    postcode, or each word of a name. A case holding them may still not match (`matches`
    decides); a case lacking one never does."""
    if term.kind is SearchKind.CASE_ID:
        return ()
    if term.kind is SearchKind.NAME:
        # JSON escapes only quotes, backslashes and control characters in a name.
        words = term.value.split()
        return () if any('"' in w or "\\" in w for w in words) else tuple(words)
    return (term.value.casefold(),)


def exact_hint(term: SearchTerm) -> str | None:
    """The exact string a stored case holds when a BSN, phone or postcode term matches it
    (for the database to narrow by), else None."""
    if term.kind in {SearchKind.BSN, SearchKind.PHONE, SearchKind.POSTCODE}:
        return f'"{term.value}"'
    return None


def term_ref(key: bytes, term: SearchTerm) -> str:
    """What the audit log keeps of a term: the case id itself (an id), or a keyed hash of
    anything personal (`hmac:` and 32 hex digits), the same for the same term."""
    if term.kind is SearchKind.CASE_ID:
        return term.value
    digest = hmac.new(key, f"{term.kind.value}\0{term.value}".encode(), hashlib.sha256)
    return f"hmac:{digest.hexdigest()[:32]}"
