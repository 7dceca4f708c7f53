"""Traces: none without configuration; with a tracer, a span per request whose trace context
the request's events carry (and the caller's context when it sent one)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from kit_apps import small_app
from litestar import get
from litestar.testing import TestClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.events import IntakeConfirmed
from voorportaal_kit import tracing

CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
SEEN: list[Envelope] = []
CASE = "vp-" + "a" * 20


@get("/stage", operation_id="stage", sync_to_thread=False)
def stage() -> dict[str, str]:
    """Make an event as a use case does (no trace context passed by hand)."""
    envelope = Envelope(
        IntakeConfirmed(
            case_id=CASE, intake_id="i-1", confirmed_by="staff", confirmed_at=datetime.now(UTC)
        ),
        source="/t",
    )
    SEEN.append(envelope)
    return {}


def _client(tracer: Any) -> TestClient[Any]:
    app = small_app(stage, public_paths=[r"^/stage$"], tracer=tracer)
    return TestClient(app)


def _provider() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def test_without_an_otlp_endpoint_there_is_no_tracer(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in tracing.OTLP_ENDPOINT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert tracing.tracer_for("intake") is None


def test_an_otlp_endpoint_turns_tracing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
    monkeypatch.setattr(tracing, "_PROCESS_PROVIDER", None)
    assert tracing.tracer_for("intake") is not None
    provider = tracing._PROCESS_PROVIDER
    assert provider is not None
    assert provider.resource.attributes["service.name"] == "voorportaal-intake"  # type: ignore[attr-defined]
    provider.shutdown()  # type: ignore[attr-defined]


def test_events_made_in_a_request_carry_its_span_as_their_parent() -> None:
    provider, exporter = _provider()
    SEEN.clear()
    with _client(provider.get_tracer("t")) as client:
        assert client.get("/stage", headers={"traceparent": CALLER}).status_code == 200
    [span] = exporter.get_finished_spans()
    assert span.kind == SpanKind.SERVER
    assert span.name == "GET /stage"
    assert span.parent is not None and span.parent.span_id == int(CALLER.split("-")[2], 16)
    context = span.get_span_context()
    assert SEEN[0].traceparent == f"00-{context.trace_id:032x}-{context.span_id:016x}-01"


def test_without_tracing_events_carry_the_callers_trace_context() -> None:
    SEEN.clear()
    with _client(None) as client:
        client.get("/stage", headers={"traceparent": CALLER})
        client.get("/stage")
    assert SEEN[0].traceparent == CALLER
    assert SEEN[1].traceparent is None
