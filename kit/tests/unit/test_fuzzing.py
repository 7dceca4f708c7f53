"""The property every API fuzz module asserts (`voorportaal_kit.fuzzing.assert_sound_answer`)."""

from __future__ import annotations

import json

import pytest

from voorportaal_kit.fuzzing import assert_sound_answer
from voorportaal_kit.http import PROBLEM_JSON


def _problem(status: int, **extra: object) -> bytes:
    return json.dumps(
        {"type": f"urn:voorportaal:problem:{status}", "status": status, **extra}
    ).encode()


_FIELD_NAMED = {
    "type": "urn:voorportaal:problem:validation",
    "status": 400,
    "errors": [{"field": "due_at", "reason": "Input should be a valid datetime"}],
}


def test_a_server_error_fails_the_fuzz_run() -> None:
    with pytest.raises(AssertionError):
        assert_sound_answer("GET", "/cases/x", 500, PROBLEM_JSON, _problem(500))


def test_ready_may_answer_503_without_a_broker_but_no_other_5xx() -> None:
    assert_sound_answer("GET", "/ready", 503, "application/json", b"{}")
    with pytest.raises(AssertionError):
        assert_sound_answer("GET", "/ready", 500, "application/json", b"{}")


def test_a_refusal_that_is_not_problem_details_fails_the_fuzz_run() -> None:
    with pytest.raises(AssertionError):
        assert_sound_answer("GET", "/cases/x", 404, "text/plain", b"Not Found")
    with pytest.raises(AssertionError):
        assert_sound_answer("GET", "/cases/x", 404, PROBLEM_JSON, _problem(400))


def test_a_validation_problem_must_name_the_field_and_the_reason() -> None:
    assert_sound_answer(
        "POST", "/cases/x/promises", 400, PROBLEM_JSON, json.dumps(_FIELD_NAMED).encode()
    )
    for errors in ([], [{"field": "", "reason": "bad"}], [{"field": "due_at", "reason": ""}]):
        body = json.dumps({**_FIELD_NAMED, "errors": errors}).encode()
        with pytest.raises(AssertionError):
            assert_sound_answer("POST", "/cases/x/promises", 400, PROBLEM_JSON, body)


def test_a_success_needs_no_problem_details() -> None:
    assert_sound_answer("GET", "/cases/x", 200, "application/json", b"{}")
