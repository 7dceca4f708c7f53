"""The alert rules and the Grafana dashboard (issue 17 item 7), checked with promtool
(Debian's prometheus package, installed by scripts/test-tools.sh)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
OBSERVABILITY = REPO / "infra" / "observability"
ALERTS = OBSERVABILITY / "alerts.yaml"
REQUIRED = {
    # what issue 17 asks to be alerted on → the alert that does
    "consumer lag growing": "VoorportaalConsumerLagGrowing",
    "dead letters arriving": "VoorportaalDeadLettersArriving",
    "outbox backlog": "VoorportaalOutboxBacklog",
    "SLA breaches": "VoorportaalSlaBreaches",
    "notifications failing": "VoorportaalNotificationsFailing",
    "audit anchor stale": "VoorportaalAuditAnchorStale",
}


def promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: run scripts/test-tools.sh"
    return subprocess.run(
        [tool, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def alerts() -> dict[str, dict[str, object]]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return {rule["alert"]: rule for group in groups for rule in group["rules"]}


def test_the_alert_rules_pass_promtool_check() -> None:
    checked = promtool("check", "rules", ALERTS)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(alerts())} rules found" in checked.stdout


def test_the_alert_rules_unit_tests_pass() -> None:
    tested = promtool("test", "rules", OBSERVABILITY / "alerts.test.yaml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_promtool_refuses_a_rule_that_does_not_parse(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(ALERTS.read_text().replace("> 900", "> > 900", 1))
    assert promtool("check", "rules", broken).returncode == 1


def test_every_alert_the_issue_asks_for_exists_with_a_severity_and_a_run_book() -> None:
    found = alerts()
    run_book = (REPO / "docs" / "operations" / "alerts.md").read_text()
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in run_book.splitlines()
        if line.startswith("#")
    }
    assert set(REQUIRED.values()) <= set(found)
    for name, rule in found.items():
        labels, annotations = rule["labels"], rule["annotations"]
        assert isinstance(labels, dict) and isinstance(annotations, dict)
        assert labels["severity"] in {"warning", "critical"}, name
        page, _, anchor = str(annotations["runbook"]).partition("#")
        assert page == "docs/operations/alerts.md"
        assert anchor in headings, f"{name}: no section #{anchor} in {page}"


@pytest.fixture(scope="module")
def dashboard() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((OBSERVABILITY / "dashboard.json").read_text())
    return loaded


def test_every_dashboard_query_is_valid_promql(dashboard: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    """promtool checks PromQL in rule files only, so each panel's query becomes a recording
    rule (with the dashboard's $job variable as its "All" value)."""
    rules = []
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            expr = target["expr"].replace("$job", ".*")
            rules.append(
                {"record": f"dashboard:panel_{panel['id']}_{target['refId']}", "expr": expr}
            )
    assert len(rules) >= 14
    path = tmp_path / "dashboard-rules.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    checked = promtool("check", "rules", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_dashboard_has_unique_panel_ids_and_no_overlapping_panels(dashboard: dict) -> None:  # type: ignore[type-arg]
    panels = dashboard["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    cells = set()
    for panel in panels:
        pos = panel["gridPos"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps another panel"
                cells.add((x, y))
    assert dashboard["uid"] == "voorportaal-overview"
