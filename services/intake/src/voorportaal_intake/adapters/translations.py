"""Translations of the content: one file per language beside the content it translates.

The content files give every text a citizen reads in Dutch and English, as a table
`{ nl = "…", en = "…" }`. Turkish, Arabic and Polish live in `translations/<language>.toml`
of the same content version, so a translator (and the second reader who checks them) works in
one file of their own language. That file has a table per content file (its name without
`.toml`: `divorce`, `catalogue`, `triage`, …) whose keys are the paths of the texts in it,
list elements named by their `id`, `code`, `value` or `rule`:

    [divorce]
    "questions.unsafe.help" = "…"
    "questions.relation_form.options.married.label" = "…"

Reading a content file puts each translation beside the Dutch (`text.tr`); `missing` and
`stale` tell the content check which texts lack a language and which translations name a text
that no longer exists. `voorportaal content strings --language tr` prints the missing ones as
a file to fill in, with the Dutch and English as comments.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

TRANSLATED = ("tr", "ar", "pl")
"""The citizen languages kept in translation files (Dutch and English live in the content)."""

_NAMING_KEYS = ("id", "code", "value", "rule")


def texts(data: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every text table (`{nl, en, …}`) in a content file's data, with its path."""
    if isinstance(data, dict):
        if isinstance(data.get("nl"), str) and isinstance(data.get("en"), str):
            yield path, data
            return
        for key, value in data.items():
            yield from texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for index, element in enumerate(data):
            name = _element_name(element, index)
            yield from texts(element, f"{path}.{name}" if path else name)


def _element_name(element: Any, index: int) -> str:
    if isinstance(element, dict):
        for key in _NAMING_KEYS:
            if isinstance(element.get(key), str):
                return str(element[key])
    return str(index)


def translation_file(root: Path, language: str) -> Path:
    """Where a language's translations of a content version live."""
    return root / "translations" / f"{language}.toml"


@cache
def _translations(root: Path, language: str) -> dict[str, dict[str, str]]:
    file = translation_file(root, language)
    if not file.exists():
        return {}
    with file.open("rb") as f:
        loaded = tomllib.load(f)
    return {stem: dict(table) for stem, table in loaded.items() if isinstance(table, dict)}


def translate(data: dict[str, Any], root: Path, stem: str) -> dict[str, Any]:
    """A content file's data with each translation put beside the Dutch (in place)."""
    for language in TRANSLATED:
        table = _translations(root, language).get(stem, {})
        for path, text in texts(data):
            if path in table:
                text[language] = table[path]
    return data


def read(root: Path, relative: str) -> dict[str, Any]:
    """A content file of a version (`relative` to its folder), translated."""
    with (root / relative).open("rb") as f:
        data = tomllib.load(f)
    return translate(data, root, Path(relative).stem)


def content_files(root: Path) -> list[str]:
    """The content files of a version that hold texts, relative to its folder."""
    names = ["catalogue.toml", "triage.toml"]
    names += [f"life_events/{p.name}" for p in sorted((root / "life_events").glob("*.toml"))]
    return names


def missing(root: Path, language: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Texts without a translation into `language`: (file stem, path, the text's table)."""
    found = []
    for relative in content_files(root):
        with (root / relative).open("rb") as f:
            data = tomllib.load(f)
        stem = Path(relative).stem
        table = _translations(root, language).get(stem, {})
        found += [(stem, path, text) for path, text in texts(data) if not table.get(path)]
    return found


def stale(root: Path, language: str) -> list[str]:
    """Translations whose text is no longer in the content (`stem: path`)."""
    known: dict[str, set[str]] = {}
    for relative in content_files(root):
        with (root / relative).open("rb") as f:
            known[Path(relative).stem] = {path for path, _ in texts(tomllib.load(f))}
    return [
        f"{stem}: {path}"
        for stem, table in _translations(root, language).items()
        for path in table
        if path not in known.get(stem, set())
    ]


def skeleton(root: Path, language: str) -> str:
    """The missing texts of a language as a translation file to fill in."""
    lines: list[str] = []
    current = None
    for stem, path, text in missing(root, language):
        if stem != current:
            lines += ["", f"[{stem}]"]
            current = stem
        lines += [
            f"# nl: {text['nl']}",
            f"# en: {text['en']}",
            f'"{path}" = ""',
        ]
    return "\n".join(lines).lstrip() + "\n" if lines else ""
