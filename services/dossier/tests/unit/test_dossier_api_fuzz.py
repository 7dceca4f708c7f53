"""Schemathesis fuzzes the dossier API from its own OpenAPI document: no input gives a 5xx,
and every refusal is problem details naming the field (`voorportaal_kit.fuzzing`)."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.schemas import BaseSchema

from voorportaal_dossier.app import definition
from voorportaal_dossier.settings import DossierSettings
from voorportaal_kit.fuzzing import UNREACHABLE_BROKER, FuzzedApi, fuzz_settings, fuzzed_api


@pytest.fixture(scope="module")
def dossier_api(tmp_path_factory: pytest.TempPathFactory) -> FuzzedApi:
    """The dossier app on a fresh SQLite file, called by a supervisor who is a casemanager too."""
    data = tmp_path_factory.mktemp("dossier-fuzz")
    settings = DossierSettings(data_dir=data, kafka_bootstrap_servers=UNREACHABLE_BROKER)
    return fuzzed_api(definition(settings), "sup-fuzz", ["supervisor", "casemanager"])


@pytest.fixture
def dossier_openapi(dossier_api: FuzzedApi, request: pytest.FixtureRequest) -> BaseSchema:
    """The dossier service's OpenAPI document, as its app serves it."""
    return dossier_api.schema(request)


schema = schemathesis.pytest.from_fixture("dossier_openapi")


@schema.parametrize()
@fuzz_settings(max_examples=15)
def test_no_input_makes_the_dossier_api_fail(
    case: schemathesis.Case, dossier_api: FuzzedApi
) -> None:
    dossier_api.call(case)
