"""Every metric the Grafana dashboard and the alert rules use is exposed on `/metrics` by the
running services (issue 17 item 7): the four services started as `voorportaal up` starts
them, against the real broker, each on an SQLite database of its own."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import pytest
import yaml

from voorportaal.services import SERVICES

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
OBSERVABILITY = REPO / "infra" / "observability"
_METRIC = re.compile(r"\bvoorportaal_[a-z0-9_]+")
_SUFFIXES = {"counter": [""], "gauge": [""], "histogram": ["_bucket", "_sum", "_count"]}


def metric_names_used() -> set[str]:
    """The series names the alert rules and the dashboard's queries select."""
    exprs = [
        rule["expr"]
        for group in yaml.safe_load((OBSERVABILITY / "alerts.yaml").read_text())["groups"]
        for rule in group["rules"]
    ]
    dashboard = json.loads((OBSERVABILITY / "dashboard.json").read_text())
    exprs += [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    exprs += [v["query"]["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    # Label values such as type="nl.voorportaal.notify.failed" are not metric names.
    names = {name for expr in exprs for name in _METRIC.findall(re.sub(r'"[^"]*"', "", expr))}
    assert len(names) >= 9, names
    return names


def exposed(text: str) -> set[str]:
    """Series names a `/metrics` page offers, from its TYPE lines (a labelled metric with no
    sample yet is still declared there)."""
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            names |= {name + suffix for suffix in _SUFFIXES.get(kind, [""])}
    return names


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _metrics(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            return str(r.read().decode())
    except (urllib.error.URLError, OSError):
        return None


def test_every_metric_of_the_dashboard_and_the_alerts_is_exposed_by_a_running_service(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    wanted = metric_names_used()
    procs: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    logs: list[IO[bytes]] = []
    try:
        for name in SERVICES:
            port = _free_port()
            prefix = f"VOORPORTAAL_{name.upper()}_"
            env = {
                **os.environ,
                "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
                f"{prefix}DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/{name}.db",
                f"{prefix}DATA_DIR": str(tmp_path / name),
                f"{prefix}HTTP_PORT": str(port),
            }
            log = (tmp_path / f"{name}.log").open("wb")
            logs.append(log)
            procs[name] = (
                subprocess.Popen(
                    [sys.executable, "-m", "voorportaal_kit.serve", name],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                port,
            )
        pages: dict[str, str] = {}
        deadline = time.monotonic() + 120
        while len(pages) < len(procs) and time.monotonic() < deadline:
            for name, (proc, port) in procs.items():
                assert proc.poll() is None, (tmp_path / f"{name}.log").read_text()[-3000:]
                if name not in pages and (page := _metrics(port)) is not None:
                    pages[name] = page
            time.sleep(0.5)
        assert set(pages) == set(procs), "not every service served /metrics in 120 s"
        offered = set().union(*(exposed(page) for page in pages.values()))
        assert wanted - offered == set(), "used by the dashboard or alerts, exposed by none"
        # Each service exposes the kit's metrics itself, so every job has its series.
        for name, page in pages.items():
            assert "voorportaal_outbox_backlog" in exposed(page), name
    finally:
        for proc, _ in procs.values():
            proc.terminate()
        for proc, _ in procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


def test_the_metric_names_are_read_from_expressions_not_from_label_values() -> None:
    text = (
        "# TYPE voorportaal_http_request_seconds histogram\n"
        "# TYPE voorportaal_dead_letters_total counter\n"
    )
    assert exposed(text) == {
        "voorportaal_http_request_seconds_bucket",
        "voorportaal_http_request_seconds_sum",
        "voorportaal_http_request_seconds_count",
        "voorportaal_dead_letters_total",
    }
    assert "voorportaal_events_published_total" in metric_names_used()
    assert not any(name.startswith("voorportaal_notify_failed") for name in metric_names_used())
