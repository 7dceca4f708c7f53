"""Translations of the content live per language beside it; reading puts them beside the Dutch."""

from __future__ import annotations

import tomllib
from pathlib import Path

from voorportaal_intake.adapters import translations

CONTENT = """
code = "divorce"
title = { nl = "Scheiden", en = "Divorce" }

[[questions]]
id = "unsafe"
text = { nl = "Bent u bang?", en = "Are you afraid?" }
options = [ { value = "yes", label = { nl = "Ja", en = "Yes" } } ]
"""


def _version(tmp_path: Path, turkish: str) -> Path:
    (tmp_path / "life_events").mkdir()
    (tmp_path / "life_events" / "divorce.toml").write_text(CONTENT, encoding="utf-8")
    (tmp_path / "catalogue.toml").write_text("", encoding="utf-8")
    (tmp_path / "triage.toml").write_text("", encoding="utf-8")
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "tr.toml").write_text(turkish, encoding="utf-8")
    translations._translations.cache_clear()
    return tmp_path


def test_texts_are_named_by_the_ids_of_their_list_elements() -> None:
    found = dict(translations.texts(tomllib.loads(CONTENT)))

    assert set(found) == {"title", "questions.unsafe.text", "questions.unsafe.options.yes.label"}


def test_reading_puts_each_translation_beside_the_dutch(tmp_path: Path) -> None:
    root = _version(tmp_path, '[divorce]\n"questions.unsafe.text" = "Korkuyor musunuz?"\n')

    data = translations.read(root, "life_events/divorce.toml")

    assert data["questions"][0]["text"] == {
        "nl": "Bent u bang?",
        "en": "Are you afraid?",
        "tr": "Korkuyor musunuz?",
    }
    assert "tr" not in data["title"]


def test_missing_lists_every_text_without_the_language(tmp_path: Path) -> None:
    root = _version(tmp_path, '[divorce]\n"questions.unsafe.text" = "Korkuyor musunuz?"\n')

    paths = [path for _, path, _ in translations.missing(root, "tr")]

    assert paths == ["title", "questions.unsafe.options.yes.label"]
    assert len(translations.missing(root, "pl")) == 3


def test_a_translation_of_a_text_that_is_gone_is_stale(tmp_path: Path) -> None:
    root = _version(tmp_path, '[divorce]\n"questions.gone.text" = "Yok"\n')

    assert translations.stale(root, "tr") == ["divorce: questions.gone.text"]


def test_the_skeleton_lists_the_missing_texts_with_dutch_and_english(tmp_path: Path) -> None:
    root = _version(tmp_path, "")

    skeleton = translations.skeleton(root, "ar")

    assert tomllib.loads(skeleton) == {
        "divorce": {
            "title": "",
            "questions.unsafe.text": "",
            "questions.unsafe.options.yes.label": "",
        }
    }
    assert "# nl: Bent u bang?" in skeleton
