"""Times, sizes, rates and lists as the console shows them, on every page that shows them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from buddy.labels import Words, words

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
"""The console's people read local time."""


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


def rate(value: float | None) -> str:
    """A rate as the supervisor's tables show it: `25%`, or `-` when there is none."""
    return "-" if value is None else f"{round(value * 100)}%"


def number(value: float | int | None) -> str:
    """A figure as the supervisor's tables show it, or `-` when there is none."""
    return "-" if value is None else str(value)


def joined(values: Iterable[str]) -> str:
    """Codes as one text, e.g. `uwv, svb`."""
    return ", ".join(str(v) for v in values)


def bracketed(main: Words, aside: Words) -> Words:
    """`main (aside)` in each language, e.g. `Jan (Partner)`."""
    return Words(nl=f"{main.nl} ({aside.nl})", en=f"{main.en} ({aside.en})")


def person(name: str | None, kind: str, code: str | None) -> Words:
    """A name with a coded role in brackets, e.g. `Jan (Partner)`."""
    return bracketed(Words(nl=name or "", en=name or ""), words(kind, code))
