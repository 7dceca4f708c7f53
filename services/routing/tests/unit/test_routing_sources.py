"""Every routing rule and directory service names its source and when it was checked."""

from __future__ import annotations

from datetime import date

import pytest

from voorportaal_routing.adapters.data_files import content_findings, load_directory, load_rules
from voorportaal_routing.domain.sources import source_findings

TODAY = date(2026, 12, 6)


def test_every_shipped_rule_and_service_has_a_source_and_a_checked_date() -> None:
    rules, directory = load_rules(), load_directory()
    assert all(rule.source and rule.checked for rule in rules.rules)
    assert all(service.source and service.checked for service in directory.services)
    findings = source_findings(rules, directory, TODAY)
    assert findings.problems == []
    assert findings.warnings == []


def _with_rule(**changes: object) -> list[str]:
    rules, directory = load_rules(), load_directory()
    first = rules.rules[0].model_copy(update=changes)
    edited = rules.model_copy(update={"rules": [first, *rules.rules[1:]]})
    findings = source_findings(edited, directory, TODAY)
    return findings.problems + [f"warning: {w}" for w in findings.warnings]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"source": None}, "rule acute_eviction_or_cut_off: no source"),
        ({"checked": None}, "rule acute_eviction_or_cut_off: no checked date"),
        ({"source": "http://www.geldfit.nl"}, "is not an https:// address"),
        ({"checked": date(2027, 1, 1)}, "lies in the future"),
        ({"checked": date(2025, 12, 5)}, "warning: rule acute_eviction_or_cut_off: checked"),
    ],
)
def test_a_rule_without_its_source_or_date_is_a_problem_and_an_old_check_a_warning(
    changes: dict[str, object], expected: str
) -> None:
    (finding,) = _with_rule(**changes)
    assert expected in finding


def test_checked_exactly_a_year_ago_is_not_yet_stale() -> None:
    assert _with_rule(checked=date(2025, 12, 6)) == []


def test_a_service_without_a_source_is_a_problem() -> None:
    rules, directory = load_rules(), load_directory()
    first = directory.services[0].model_copy(update={"source": None, "checked": None})
    edited = directory.model_copy(update={"services": [first, *directory.services[1:]]})
    assert source_findings(rules, edited, TODAY).problems == [
        f"service {first.id}: no source (the agency's page or article of law)",
        f"service {first.id}: no checked date",
    ]


def test_the_content_check_reports_data_that_does_not_load_instead_of_crashing() -> None:
    findings = content_findings("v0", today=TODAY)
    (problem,) = findings.problems
    assert problem.startswith("routing data v0:")


def test_the_content_check_of_the_shipped_data_finds_nothing() -> None:
    findings = content_findings(today=TODAY)
    assert (findings.problems, findings.warnings) == ([], [])
