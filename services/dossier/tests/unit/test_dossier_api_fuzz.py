"""Schemathesis fuzzes the dossier API from its own OpenAPI document: no input gives a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from voorportaal_dossier.app import definition
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.auth import issue_token
from voorportaal_kit.runtime import ServiceRuntime

_DATA = Path(tempfile.mkdtemp(prefix="vp-dossier-fuzz-"))
_RUNTIME = ServiceRuntime(
    definition(DossierSettings(data_dir=_DATA, kafka_bootstrap_servers="127.0.0.1:1"))
)
_RUNTIME.migrate()
_APP = _RUNTIME.app()
_SUPERVISOR = issue_token(_RUNTIME.settings.auth, "sup-fuzz", ["supervisor", "casemanager"])

schema = schemathesis.openapi.from_asgi("/schema/openapi.json", _APP)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_input_makes_the_dossier_api_fail(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_SUPERVISOR}"})
    if case.path == "/ready":  # 503 is its designed answer here: no broker in this test
        assert response.status_code < 500 or response.status_code == 503
        return
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
