"""Schemathesis fuzzes the notify API from its own OpenAPI document: no input gives a 5xx,
and every refusal is problem details naming the field (`voorportaal_kit.fuzzing`)."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.schemas import BaseSchema

from voorportaal_kit.fuzzing import UNREACHABLE_BROKER, FuzzedApi, fuzz_settings, fuzzed_api
from voorportaal_notify.app import definition
from voorportaal_notify.settings import NotifySettings


@pytest.fixture(scope="module")
def notify_api(tmp_path_factory: pytest.TempPathFactory) -> FuzzedApi:
    """The notify app on a fresh SQLite file, called by a casemanager."""
    data = tmp_path_factory.mktemp("notify-fuzz")
    settings = NotifySettings(
        data_dir=data / "data",
        dev_store_dir=data / "outbox-dev",
        worker_interval_s=3600,
        kafka_bootstrap_servers=UNREACHABLE_BROKER,
    )
    return fuzzed_api(definition(settings), "cm-fuzz", ["casemanager"])


@pytest.fixture
def notify_openapi(notify_api: FuzzedApi, request: pytest.FixtureRequest) -> BaseSchema:
    """The notify service's OpenAPI document, as its app serves it."""
    return notify_api.schema(request)


schema = schemathesis.pytest.from_fixture("notify_openapi")


@schema.parametrize()
@fuzz_settings(max_examples=30)
def test_no_input_makes_the_notify_api_fail(case: schemathesis.Case, notify_api: FuzzedApi) -> None:
    notify_api.call(case)
