"""Schemathesis fuzzes the notify API from its own OpenAPI document: no input gives a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from voorportaal_kit.auth import issue_token
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_notify.app import definition
from voorportaal_notify.settings import NotifySettings

_DATA = Path(tempfile.mkdtemp(prefix="vp-notify-fuzz-"))
_RUNTIME = ServiceRuntime(
    definition(
        NotifySettings(
            data_dir=_DATA / "data",
            dev_store_dir=_DATA / "outbox-dev",
            kafka_bootstrap_servers="127.0.0.1:1",
            worker_interval_s=3600,
        )
    )
)
_RUNTIME.migrate()
_APP = _RUNTIME.app()
_CASEMANAGER = issue_token(_RUNTIME.settings.auth, "cm-fuzz", ["casemanager"])

schema = schemathesis.openapi.from_asgi("/schema/openapi.json", _APP)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_input_makes_the_notify_api_fail(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_CASEMANAGER}"})
    if case.path == "/ready":  # 503 is its designed answer here: no broker in this test
        assert response.status_code < 500 or response.status_code == 503
        return
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
