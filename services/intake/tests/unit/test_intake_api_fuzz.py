"""Schemathesis fuzzes the intake API from its own OpenAPI document: no input gives a 5xx,
and every refusal is problem details naming the field (`voorportaal_kit.fuzzing`)."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.schemas import BaseSchema

from voorportaal_intake.app import definition
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.fuzzing import UNREACHABLE_BROKER, FuzzedApi, fuzz_settings, fuzzed_api


@pytest.fixture(scope="module")
def intake_api(tmp_path_factory: pytest.TempPathFactory) -> FuzzedApi:
    """The intake app on a fresh SQLite file, called by a casemanager."""
    data = tmp_path_factory.mktemp("intake-fuzz")
    settings = IntakeSettings(data_dir=data, kafka_bootstrap_servers=UNREACHABLE_BROKER)
    return fuzzed_api(definition(settings), "cm-fuzz", ["casemanager"])


@pytest.fixture
def intake_openapi(intake_api: FuzzedApi, request: pytest.FixtureRequest) -> BaseSchema:
    """The intake service's OpenAPI document, as its app serves it."""
    return intake_api.schema(request)


schema = schemathesis.pytest.from_fixture("intake_openapi")


@schema.parametrize()
@fuzz_settings(max_examples=30)
def test_no_input_makes_the_intake_api_fail(case: schemathesis.Case, intake_api: FuzzedApi) -> None:
    intake_api.call(case)
