"""Test support: fuzzing a service's HTTP API from its own OpenAPI document.

Each service's `test_<service>_api_fuzz.py` lets schemathesis generate requests from the
OpenAPI document its app serves, calls the app in process with a staff token, and asserts
`assert_sound_answer` on every response. What the four modules share lives here: the app
built on demand in a fixture (never at import, so collecting the suite starts no runtime), the
hypothesis settings, and the property. Each module keeps what differs: its service's settings,
the roles of its caller and how many examples each route gets.

Only the test suite imports this module (schemathesis and hypothesis are dev dependencies,
imported where they are used).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from voorportaal_kit.auth import issue_token
from voorportaal_kit.http import PROBLEM_JSON
from voorportaal_kit.runtime import ServiceDefinition, ServiceRuntime

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest
    from litestar import Litestar
    from schemathesis import Case
    from schemathesis.schemas import BaseSchema

UNREACHABLE_BROKER: Final = "127.0.0.1:1"
"""A broker address nothing listens on: the API is fuzzed without messaging, so `/ready`
answers 503 by design."""

OPENAPI_PATH: Final = "/schema/openapi.json"


@dataclass(frozen=True)
class FuzzedApi:
    """One service's app, migrated on a fresh SQLite file, and a token to call it with."""

    app: Litestar
    token: str

    def schema(self, request: pytest.FixtureRequest) -> BaseSchema:
        """The OpenAPI document the app serves, loaded by schemathesis for the test asking
        (`request`: the fixture request of the test, for the shim below)."""
        import schemathesis

        # schemathesis (4.32) renames the running test after each operation through the
        # node's `_nodeid`, which pytest 9.2 no longer has (it keeps `_id`); without it
        # `from_fixture` fails before the first call. The name is only used in reports.
        node: Any = request.node
        if not hasattr(node, "_nodeid"):
            node._nodeid = node.nodeid
        return schemathesis.openapi.from_asgi(OPENAPI_PATH, self.app)

    def call(self, case: Case[Any]) -> None:
        """Send one generated request with the token and check the answer."""
        response = case.call(headers={"Authorization": f"Bearer {self.token}"})
        content_type = response.headers.get("content-type") or [""]  # each header: its values
        assert_sound_answer(
            case.method, case.path, response.status_code, content_type[0], response.content
        )


def fuzzed_api(definition: ServiceDefinition, subject: str, roles: Iterable[str]) -> FuzzedApi:
    """Migrate the service's database and build its app, with a token for `subject`."""
    runtime = ServiceRuntime(definition)
    runtime.migrate()
    return FuzzedApi(runtime.app(), issue_token(runtime.settings.auth, subject, roles))


def fuzz_settings(max_examples: int) -> Callable[[Any], Any]:
    """The hypothesis settings of every fuzz module: `max_examples` per route, no deadline
    (an in-process call with a migration behind it is slow on a shared machine)."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def assert_sound_answer(
    method: str, path: str, status: int, content_type: str, body: bytes
) -> None:
    """No input makes the API fail: never a 5xx (but `/ready`'s designed 503 without a
    broker), and every refusal is RFC 9457 problem details with its own status, whose
    validation errors each name the field and the reason."""
    where = (method, path, status, body[:300])
    if path == "/ready":  # 503 is its designed answer here: no broker in this test
        assert status < 500 or status == 503, where
        return
    assert status < 500, where
    if status < 400:
        return
    assert content_type.startswith(PROBLEM_JSON), where
    problem = json.loads(body)
    assert problem["status"] == status, where
    if problem["type"] == "urn:voorportaal:problem:validation":
        assert problem.get("errors"), where
        for error in problem["errors"]:
            assert error["field"], where
            assert error["reason"], where
