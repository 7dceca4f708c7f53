"""The Litestar application every service gets: health, readiness, metrics, auth, problems.

Errors leave as RFC 9457 problem details (`application/problem+json`); validation errors name
each field and the reason. An unexpected error is logged with its ids and answered with a
plain 500 that reveals nothing of the request.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Any

import structlog
from litestar import Litestar, MediaType, Request, Response, get
from litestar.config.cors import CORSConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.middleware import ASGIMiddleware
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.types import ASGIApp, Receive, Scope, Send
from opentelemetry.trace import SpanKind, StatusCode, Tracer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from voorportaal_contracts.api.operations import HealthAnswer, MessagingStatus, ReadyAnswer
from voorportaal_contracts.envelope import restore_traceparent, use_traceparent
from voorportaal_kit.auth import PUBLIC_PATHS, Principal, TokenVerifier, auth_middleware
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
    in_english,
)
from voorportaal_kit.metrics import HTTP_SECONDS, REGISTRY
from voorportaal_kit.security_headers import SecurityHeaders
from voorportaal_kit.tracing import current_span_for_events, parent_context

log = structlog.get_logger()

PROBLEM_JSON = "application/problem+json"
_TRACEPARENT = re.compile(rb"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")

Check = Callable[[], Awaitable[None]]
"""A readiness check: returns when the dependency answers, raises when it does not."""


STATUS_OF: dict[type[ServiceError], int] = {
    ServiceError: 400,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Gone: 410,
    TooLarge: 413,
    UnsupportedType: 415,
    TooManyRequests: 429,
    Unavailable: 503,
}
"""The one place a domain error becomes an HTTP status; a subclass takes its nearest kind's."""


def status_of(exc: ServiceError) -> int:
    """The HTTP status of a domain error: that of the nearest kind in its ancestry."""
    for kind in type(exc).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 400


def problem(
    status: int,
    detail: str | None,
    *,
    code: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    detail_nl: str | None = None,
) -> Response[dict[str, Any]]:
    """A problem-details response (`detail_nl`: the same detail in Dutch, when there is one)."""
    body: dict[str, Any] = {
        "type": f"urn:voorportaal:problem:{code or status}",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if detail_nl:
        body["detail_nl"] = detail_nl
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_DUTCH_REASONS: tuple[tuple[str, str], ...] = (
    ("Field required", "Dit veld is verplicht"),
    ("Extra inputs are not permitted", "Dit veld is niet toegestaan"),
    ("Input should be a valid date", "Geen geldige datum (JJJJ-MM-DD)"),
    ("Input should be a valid datetime", "Geen geldig tijdstip"),
    ("Input should be a valid integer", "Geen geheel getal"),
    ("Input should be a valid number", "Geen getal"),
    ("Input should be a valid boolean", "Geen ja/nee-waarde"),
    ("Input should be a valid string", "Geen tekst"),
    ("Input should be a valid list", "Geen lijst"),
    ("Input should be a valid UUID", "Geen geldige id"),
    ("Input should be a valid dictionary", "Geen object"),
    ("Input should be ", "Geen toegestane waarde"),
    ("String should have at most", "De tekst is te lang"),
    ("String should have at least", "De tekst is te kort"),
    ("String should match pattern", "De tekst heeft niet de juiste vorm"),
    ("List should have at most", "De lijst is te lang"),
    ("List should have at least", "De lijst is te kort"),
    ("value is not a valid email address", "Geen geldig e-mailadres"),
    ("Input should be greater", "De waarde is te klein"),
    ("Input should be less", "De waarde is te groot"),
)
"""Dutch for the validation messages pydantic writes in English (matched by their start)."""


def _reasons(message: str) -> tuple[str, str]:
    """(English, Dutch) for one validation message.

    Our own validators write `English / Nederlands`; pydantic's own messages get a Dutch line
    from `_DUTCH_REASONS`, or the English one when none fits.
    """
    text = message.removeprefix("Value error, ")
    english, said = in_english(text)
    if said is not None:
        return english, said
    dutch = next((nl for en, nl in _DUTCH_REASONS if text.startswith(en)), text)
    return text, dutch


def _validation_errors(exc: ValidationException) -> list[dict[str, str]]:
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            english, dutch = _reasons(str(item.get("message", "invalid")))
            errors.append(
                {
                    "field": str(item.get("key") or item.get("source") or "body"),
                    "reason": english,
                    "reason_nl": dutch,
                }
            )
    return errors


def _on_validation(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = _validation_errors(exc)
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors) or exc.detail
    return problem(400, detail, code="validation", errors=errors)


def _on_http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return problem(exc.status_code, exc.detail, headers=exc.headers)


def _on_service_error(_: Request[Any, Any, Any], exc: ServiceError) -> Response[Any]:
    errors = None
    if exc.field:
        english, dutch = _reasons(exc.detail)
        errors = [{"field": exc.field, "reason": english, "reason_nl": dutch}]
    retry_after = getattr(exc, "retry_after_s", None)
    headers = {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None
    # `English / Nederlands`: `detail` stays English for API clients, `detail_nl` is the Dutch.
    detail, detail_nl = in_english(exc.detail)
    return problem(
        status_of(exc), detail, code=exc.code, errors=errors, headers=headers, detail_nl=detail_nl
    )


def _on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error(
        "http.unhandled_error",
        path=request.scope.get("path_template"),
        error_type=type(exc).__name__,
        exc_info=exc,
    )
    return problem(500, "Internal error; it has been logged.", code="internal")


class MetricsMiddleware(ASGIMiddleware):
    """Request latency per route template (never per raw path: ids would explode the labels)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Time the request and record its status."""
        started = time.perf_counter()
        status = {"code": 500}

        async def capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        structlog.contextvars.clear_contextvars()
        traceparent = dict(scope.get("headers") or []).get(b"traceparent", b"")
        # The caller's trace context, when it sent a valid one, goes on with the events this
        # request stages (and with their consumers); never log what a caller wrote unchecked.
        token = None
        if _TRACEPARENT.fullmatch(traceparent):
            structlog.contextvars.bind_contextvars(trace_id=traceparent.split(b"-")[1].decode())
            token = use_traceparent(traceparent.decode())
        try:
            await next_app(scope, receive, capture)
        finally:
            if token is not None:
                restore_traceparent(token)
            HTTP_SECONDS.labels(
                scope.get("method", "?"),
                scope.get("path_template") or "unmatched",
                str(status["code"]),
            ).observe(time.perf_counter() - started)


class TracingMiddleware(ASGIMiddleware):
    """A SERVER span per request, a child of the caller's `traceparent` when it sent one;
    events the request stages carry this span's trace context (installed only when tracing
    is configured)."""

    def __init__(self, tracer: Tracer) -> None:
        self._tracer = tracer

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Run the request inside its span."""
        method = str(scope.get("method", "?"))
        raw = dict(scope.get("headers") or []).get(b"traceparent", b"")
        parent = parent_context(raw.decode()) if _TRACEPARENT.fullmatch(raw) else None
        status = {"code": 500}

        async def capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        # Exceptions are recorded by type only: their messages may hold personal data.
        with self._tracer.start_as_current_span(
            method,
            context=parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            structlog.contextvars.bind_contextvars(
                trace_id=format(span.get_span_context().trace_id, "032x")
            )
            try:
                with current_span_for_events(span):
                    await next_app(scope, receive, capture)
            finally:
                route = str(scope.get("path_template") or "unmatched")
                span.update_name(f"{method} {route}")
                span.set_attribute("http.route", route)
                span.set_attribute("http.response.status_code", status["code"])
                if status["code"] >= 500:
                    span.set_status(StatusCode.ERROR)


def current_principal(request: Request[Any, Any, Any]) -> Principal:
    """The caller as the auth middleware verified it: the `principal` every route may ask for.

    Litestar injects it into any handler with a `principal: Principal` parameter; a route the
    middleware lets through without a token (a public path) gets a 401 here instead.
    """
    return principal_of(request)


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The verified caller of any connection (a request, or a guard's before the body is
    read); 401 when the auth middleware let it through without a token."""
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("a bearer token is required")
    return principal


MessagingProbe = Callable[[], Awaitable[MessagingStatus]]
"""The messaging status of the process (`ServiceRuntime.messaging_status`)."""

READY_TIMEOUT_S = 5.0
"""Longest wait for one readiness check (the database)."""

MESSAGING_TIMEOUT_S = 2.0
"""Longest wait for the messaging status: a broker that does not answer must not make `/ready`
slower than an orchestrator's probe allows."""


def health_handlers(
    service_name: str, checks: dict[str, Check], messaging: MessagingProbe | None = None
) -> list[Any]:
    """`/health` (the process lives), `/ready` (it can serve its API, with its messaging status
    reported beside) and `/metrics`."""

    @get("/health", operation_id="health", tags=["operations"], sync_to_thread=False)
    def health() -> HealthAnswer:
        """The process is alive."""
        return HealthAnswer(service=service_name)

    async def run_check(check: Check) -> str:
        try:
            await asyncio.wait_for(check(), timeout=READY_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - reported, not raised: that is the answer
            return f"unavailable: {type(exc).__name__}"
        return "ok"

    async def messaging_status() -> MessagingStatus | None:
        if messaging is None:
            return None
        try:
            return await asyncio.wait_for(messaging(), timeout=MESSAGING_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - reported as degraded, never a 503
            log.warning("http.messaging_status_failed", error_type=type(exc).__name__)
            return MessagingStatus(
                status="degraded",
                broker=f"unknown: {type(exc).__name__}",
                consumers="unknown",
                consumer_groups=[],
                relay="unknown",
                outbox_backlog=None,
            )

    @get(
        "/ready",
        operation_id="ready",
        tags=["operations"],
        responses={
            503: ResponseSpec(
                ReadyAnswer, description="The service cannot serve its API (its database)."
            )
        },
    )
    async def ready() -> Response[ReadyAnswer]:
        """Can serve its API (the database answers); the messaging status is reported, not
        required: a broker outage leaves the API up while the outbox keeps the events."""
        names = list(checks)
        results = await asyncio.gather(
            messaging_status(), *(run_check(checks[name]) for name in names)
        )
        status, outcomes = results[0], results[1:]
        answers = dict(zip(names, outcomes, strict=True))
        ok = all(v == "ok" for v in answers.values())
        body = ReadyAnswer(
            status="ready" if ok else "not_ready",
            service=service_name,
            checks=answers,
            messaging=status,
        )
        return Response(body, status_code=200 if ok else 503)

    @get(
        "/metrics",
        operation_id="metrics",
        tags=["operations"],
        sync_to_thread=False,
        media_type=MediaType.TEXT,
    )
    def metrics() -> Response[bytes]:
        """Prometheus metrics of this process."""
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return [health, ready, metrics]


def create_app(
    *,
    service_name: str,
    title: str,
    version: str,
    route_handlers: Sequence[Any],
    verifier: TokenVerifier,
    checks: dict[str, Check],
    state: dict[str, Any] | None = None,
    lifespan: Sequence[Any] = (),
    cors_origins: Sequence[str] = (),
    description: str | None = None,
    public_paths: Sequence[str] = (),
    messaging: MessagingProbe | None = None,
    tracer: Tracer | None = None,
) -> Litestar:
    """The service's Litestar app with the shared operational endpoints and error handling.

    `checks` decide readiness (each must answer for a 200); `messaging` is reported in
    `/ready` beside them and never turns it into a 503."""
    return Litestar(
        route_handlers=[*health_handlers(service_name, checks, messaging), *route_handlers],
        middleware=[
            MetricsMiddleware(),
            *([TracingMiddleware(tracer)] if tracer is not None else []),
            auth_middleware(verifier, [*PUBLIC_PATHS, *public_paths]),
        ],
        exception_handlers={
            ValidationException: _on_validation,
            HTTPException: _on_http,
            ServiceError: _on_service_error,
            Exception: _on_unexpected,
        },
        openapi_config=OpenAPIConfig(
            title=title,
            version=version,
            description=description,
            path="/schema",
            render_plugins=[JsonRenderPlugin(), SwaggerRenderPlugin()],
        ),
        cors_config=CORSConfig(allow_origins=list(cors_origins)) if cors_origins else None,
        state=State(state or {}),
        dependencies={"principal": Provide(current_principal, sync_to_thread=False)},
        # A hook, not a middleware: Litestar runs middleware only for matched routes, and the
        # 404 of an unknown path needs the headers too.
        before_send=[SecurityHeaders().before_send],
        lifespan=list(lifespan),
        debug=False,
        logging_config=None,  # structlog (configure_logging) owns the process's logging
    )
