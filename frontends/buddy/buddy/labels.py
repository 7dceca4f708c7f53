"""Words for the codes the console shows, in Dutch and English, from one table.

The table is data (`data/labels.toml`): per kind of code (`life_event`, `urgency`,
`ownership`, `agency`, …) the Dutch and English words for each code. The rows of the pages
(`buddy.rows`) carry `Words` next to the codes they keep for logic; the pages show them in the
session's language with `buddy.i18n.say`. A code the table does not know (a new agency, a
newer enum value) is shown as it is rather than hidden, and logged once so it gets a label.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import structlog

from voorportaal_contracts.topics import municipal_agency

log = structlog.get_logger()

LABELS_FILE: Final = Path(__file__).parent / "data" / "labels.toml"


@dataclass
class Words:
    """One code as a person reads it, in Dutch and in English."""

    nl: str = ""
    en: str = ""


def _load(path: Path) -> dict[str, dict[str, Words]]:
    with path.open("rb") as file:
        raw = tomllib.load(file)
    table: dict[str, dict[str, Words]] = {}
    for kind, entries in raw.items():
        if not isinstance(entries, dict):
            raise TypeError(f"{path.name}: [{kind}] must be a table of codes")
        table[kind] = {}
        for code, words in entries.items():
            if not (isinstance(words, dict) and set(words) == {"nl", "en"}):
                raise ValueError(f"{path.name}: {kind}.{code} needs exactly nl and en")
            if not all(isinstance(words[lang], str) and words[lang] for lang in ("nl", "en")):
                raise ValueError(f"{path.name}: {kind}.{code}: nl and en must be non-empty text")
            table[kind][code] = Words(nl=words["nl"], en=words["en"])
    return table


@cache
def labels() -> Mapping[str, Mapping[str, Words]]:
    """The label table, read once."""
    return _load(LABELS_FILE)


@cache
def _unknown(kind: str, code: str) -> None:
    # Cached: one warning per code, not one per row per refresh.
    log.warning("console.label_missing", kind=kind, code=code)


def words(kind: str, code: str | None) -> Words:
    """The words for `code` of `kind` (a known kind); an unknown code stays as it is."""
    if not code:
        return Words()
    table = labels()[kind]
    found = table.get(code)
    if found is None and kind == "agency":
        found = _municipal_agency(code)
    if found is None:
        _unknown(kind, code)
        return Words(nl=code, en=code)
    # A copy: a row's words end up in Reflex state, which may wrap or change them.
    return Words(nl=found.nl, en=found.en)


def _municipal_agency(code: str) -> Words | None:
    """One municipality's own agency (`gemeente-gm0363`) as "Gemeente Amsterdam"."""
    parts = municipal_agency(code)
    if parts is None:
        return None
    kind, municipality = parts
    pattern = labels()["municipal_agency"].get(kind)
    place = labels()["municipality"].get(municipality)
    if pattern is None or place is None:
        return None
    return Words(nl=pattern.nl.format(place=place.nl), en=pattern.en.format(place=place.en))


def words_of(kind: str, codes: Iterable[str]) -> Words:
    """Several codes of one kind as one list, e.g. a case's life events."""
    return all_words(words(kind, code) for code in codes)


def all_words(parts: Iterable[Words]) -> Words:
    """Several words as one list in each language."""
    each = list(parts)
    return Words(nl=", ".join(w.nl for w in each), en=", ".join(w.en for w in each))
