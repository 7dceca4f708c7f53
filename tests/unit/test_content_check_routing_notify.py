"""`voorportaal content check` covers routing's sources and notify's translations too."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from voorportaal.cli import main
from voorportaal_routing.adapters import data_files
from voorportaal_routing.domain.sources import SourceFindings


def test_the_content_check_passes_on_the_shipped_content() -> None:
    result = CliRunner().invoke(main, ["content", "check"])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_the_content_check_fails_on_a_rule_without_source_and_lists_old_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def findings(version: str = "v1", *, today: date) -> SourceFindings:
        return SourceFindings(
            problems=["rule job_loss_ww: no source (the agency's page or article of law)"],
            warnings=["service uwv_ww: checked 2024-01-02, more than a year ago"],
        )

    monkeypatch.setattr(data_files, "content_findings", findings)
    result = CliRunner().invoke(main, ["content", "check"])
    assert result.exit_code != 0
    assert "problem: rule job_loss_ww: no source" in result.output
    assert "warning: service uwv_ww: checked 2024-01-02" in result.output


def test_the_content_check_fails_on_a_translation_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    from voorportaal_notify.domain import render

    monkeypatch.setattr(
        render,
        "translation_problems",
        lambda catalogue: ["template action_required.pl.subject: stray space in ' Musisz'"],
    )
    result = CliRunner().invoke(main, ["content", "check"])
    assert result.exit_code != 0
    assert "problem: template action_required.pl.subject: stray space" in result.output
