"""`voorportaal content check`: refuses content without sources, warns about old checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from voorportaal.cli import main
from voorportaal_intake.adapters import content_files


def test_the_shipped_content_passes_the_check() -> None:
    result = CliRunner().invoke(main, ["content", "check", "--today", "2026-12-06"])
    assert result.exit_code == 0, result.output
    assert "6 life events, no problems" in result.output
    assert "warning" not in result.output


def test_items_checked_more_than_a_year_ago_are_warnings_not_failures() -> None:
    result = CliRunner().invoke(main, ["content", "check", "--today", "2028-01-01"])
    assert result.exit_code == 0, result.output
    assert "warning: divorce: checklist allowances_still_partners: checked 2026-12-06" in (
        result.output
    )
    assert "warning: triage rule eviction: checked 2026-12-06" in result.output


def test_an_item_without_its_source_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(content_files.CONTENT_ROOT / "v1", tmp_path / "vnosource")
    divorce = tmp_path / "vnosource" / "life_events" / "divorce.toml"
    lines = divorce.read_text().splitlines(keepends=True)
    first_source = next(i for i, line in enumerate(lines) if line.startswith("source = "))
    divorce.write_text("".join(lines[:first_source] + lines[first_source + 1 :]))
    monkeypatch.setattr(content_files, "CONTENT_ROOT", tmp_path)

    result = CliRunner().invoke(main, ["content", "check", "--version", "vnosource"])

    assert result.exit_code != 0
    assert "problem: divorce: checklist safety_first: no source" in result.output
    assert "1 problem(s) in content vnosource" in result.output
