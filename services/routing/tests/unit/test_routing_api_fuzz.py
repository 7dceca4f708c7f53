"""Schemathesis fuzzes the routing API from its own OpenAPI document: no input gives a 5xx,
and every refusal is problem details naming the field (`voorportaal_kit.fuzzing`)."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.schemas import BaseSchema

from voorportaal_kit.fuzzing import UNREACHABLE_BROKER, FuzzedApi, fuzz_settings, fuzzed_api
from voorportaal_routing.app import definition
from voorportaal_routing.settings import RoutingSettings


@pytest.fixture(scope="module")
def routing_api(tmp_path_factory: pytest.TempPathFactory) -> FuzzedApi:
    """The routing app on a fresh SQLite file, called by a supervisor."""
    data = tmp_path_factory.mktemp("routing-fuzz")
    settings = RoutingSettings(data_dir=data, kafka_bootstrap_servers=UNREACHABLE_BROKER)
    return fuzzed_api(definition(settings), "sup-fuzz", ["supervisor"])


@pytest.fixture
def routing_openapi(routing_api: FuzzedApi, request: pytest.FixtureRequest) -> BaseSchema:
    """The routing service's OpenAPI document, as its app serves it."""
    return routing_api.schema(request)


schema = schemathesis.pytest.from_fixture("routing_openapi")


@schema.parametrize()
@fuzz_settings(max_examples=30)
def test_no_input_makes_the_routing_api_fail(
    case: schemathesis.Case, routing_api: FuzzedApi
) -> None:
    routing_api.call(case)
