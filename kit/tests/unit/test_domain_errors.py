"""Domain errors carry no HTTP; the kit maps each kind to a status in one place."""

from __future__ import annotations

import pytest
from kit_apps import small_app
from litestar import get
from litestar.testing import TestClient

from voorportaal_kit.auth import AuthSettings, Principal, TokenVerifier, issue_token
from voorportaal_kit.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    ServiceError,
    TooLarge,
    TooManyRequests,
    Unavailable,
    UnsupportedType,
)
from voorportaal_kit.http import status_of

SECRET = "y" * 40


class Erased(Gone):
    """A service's own refinement of a kind."""

    code = "erased"


class SlowDown(TooManyRequests):
    def __init__(self) -> None:
        super().__init__("too many starts", field="client")
        self.retry_after_s = 42


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ServiceError("bad"), 400),
        (NotFound("x"), 404),
        (Forbidden("x"), 403),
        (Conflict("x"), 409),
        (Gone("x"), 410),
        (Erased("x"), 410),
        (TooLarge("x"), 413),
        (UnsupportedType("x"), 415),
        (TooManyRequests("x"), 429),
        (Unavailable("x"), 503),
    ],
)
def test_each_kind_of_domain_error_has_one_status(error: ServiceError, status: int) -> None:
    assert status_of(error) == status


def test_domain_errors_know_nothing_of_http() -> None:
    assert not any(hasattr(kind, "status_code") for kind in (ServiceError, Erased, SlowDown))


@get("/erased", operation_id="erased", sync_to_thread=False)
def erased() -> None:
    """Fail as erased."""
    raise Erased("the case was anonymised")


@get("/slow", operation_id="slow", sync_to_thread=False)
def slow() -> None:
    """Fail as rate limited."""
    raise SlowDown()


@get("/refused", operation_id="refused", sync_to_thread=False)
def refused() -> None:
    """Fail as refused, said in English and Dutch."""
    raise Forbidden("only the owner may do this / alleen de eigenaar mag dit")


@get("/me", operation_id="me", sync_to_thread=False)
def me(principal: Principal) -> dict[str, str]:
    """Who the kit says the caller is."""
    return {"subject": principal.subject}


def _client() -> TestClient:
    settings = AuthSettings(hs256_secret=SECRET)
    app = small_app(erased, slow, refused, me, verifier=TokenVerifier(settings))
    return TestClient(app)


def test_a_refined_error_leaves_with_its_kinds_status_and_its_own_code() -> None:
    token = issue_token(AuthSettings(hs256_secret=SECRET), "cm-1", ["casemanager"])
    with _client() as c:
        answer = c.get("/erased", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 410
    assert answer.json()["type"] == "urn:voorportaal:problem:erased"


def test_a_rate_limit_says_when_to_try_again() -> None:
    token = issue_token(AuthSettings(hs256_secret=SECRET), "cm-1", ["casemanager"])
    with _client() as c:
        answer = c.get("/slow", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 429
    assert answer.headers["retry-after"] == "42"
    assert answer.json()["errors"][0]["field"] == "client"


def test_the_principal_is_injected_into_any_route_that_asks_for_it() -> None:
    token = issue_token(AuthSettings(hs256_secret=SECRET), "cm-7", ["casemanager"])
    with _client() as c:
        assert c.get("/me").status_code == 401
        answer = c.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json() == {"subject": "cm-7"}


def _problem(path: str) -> dict[str, object]:
    token = issue_token(AuthSettings(hs256_secret=SECRET), "cm-1", ["casemanager"])
    with _client() as c:
        answer = c.get(path, headers={"Authorization": f"Bearer {token}"})
    body: dict[str, object] = answer.json()
    return body


def test_a_detail_in_english_and_dutch_leaves_as_detail_and_detail_nl() -> None:
    body = _problem("/refused")
    assert body["detail"] == "only the owner may do this"
    assert body["detail_nl"] == "alleen de eigenaar mag dit"


def test_a_detail_in_english_only_leaves_as_it_is_without_detail_nl() -> None:
    body = _problem("/erased")
    assert body["detail"] == "the case was anonymised"
    assert "detail_nl" not in body
