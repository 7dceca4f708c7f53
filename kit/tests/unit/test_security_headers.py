"""Security headers on every response of every service (the kit's app) and on any ASGI app."""

from __future__ import annotations

from kit_apps import small_app
from litestar import get
from litestar.testing import TestClient

from voorportaal_kit.auth import requires_role
from voorportaal_kit.security_headers import (
    API_CSP,
    HSTS,
    OPENAPI_CSP,
    SecurityHeaders,
    SecurityHeadersMiddleware,
)


@get("/cases", operation_id="cases", guards=[requires_role("casemanager")])
async def cases() -> list[str]:
    """A protected route."""
    return []


def client() -> TestClient:
    app = small_app(cases)
    return TestClient(app)


def test_every_service_response_says_nosniff_and_has_a_content_security_policy() -> None:
    test_client = client()
    # An answer, a refusal (401) and a path no route matches (404): all carry the headers.
    for path, status in (("/health", 200), ("/cases", 401), ("/nowhere", 404)):
        response = test_client.get(path)
        assert response.status_code == status
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"] == API_CSP
        assert response.headers["referrer-policy"] == "no-referrer"


def test_the_openapi_viewer_gets_the_policy_that_lets_it_load() -> None:
    response = client().get("/schema/swagger")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == OPENAPI_CSP


def test_hsts_only_behind_https() -> None:
    test_client = client()
    assert "strict-transport-security" not in test_client.get("/health").headers
    behind_proxy = test_client.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.headers["strict-transport-security"] == HSTS
    plain_proxy = test_client.get("/health", headers={"X-Forwarded-Proto": "http, https"})
    assert "strict-transport-security" not in plain_proxy.headers
    direct = TestClient(client().app, base_url="https://testserver.local").get("/health")
    assert direct.headers["strict-transport-security"] == HSTS


async def test_the_asgi_middleware_adds_the_headers_and_keeps_a_handlers_own() -> None:
    sent: list[dict[str, object]] = []

    async def app(scope: object, receive: object, send: object) -> None:
        await send(  # type: ignore[operator]
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-security-policy", b"default-src 'self'")],
            }
        )
        await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]

    async def receive() -> dict[str, object]:
        return {"type": "http.request"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    wrapped = SecurityHeadersMiddleware(app, SecurityHeaders(csp="default-src 'none'"))
    scope = {"type": "http", "path": "/", "scheme": "https", "headers": []}
    await wrapped(scope, receive, send)  # type: ignore[arg-type]
    headers = dict(sent[0]["headers"])  # type: ignore[call-overload]
    assert headers[b"content-security-policy"] == b"default-src 'self'"
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"strict-transport-security"] == HSTS.encode()
