"""One trace from a citizen's HTTP request to another service's consumer: an intake submitted
over HTTP, published by the intake's outbox relay and consumed by routing yields spans of one
trace (SERVER → PRODUCER and CONSUMER, the consumer a child of the request's span), collected
with the OpenTelemetry SDK's in-memory exporter. Both services run in this process on a broker
of the test's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from intake_flow import submit_intake_on, wait_until
from litestar.testing import TestClient
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from own_kafka import own_broker

from voorportaal_contracts.topics import INTAKE_EVENTS
from voorportaal_intake.app import definition as intake_definition
from voorportaal_intake.settings import IntakeSettings
from voorportaal_kit.runtime import ServiceRuntime
from voorportaal_routing.app import definition as routing_definition
from voorportaal_routing.settings import RoutingSettings

pytestmark = pytest.mark.integration


def _messaging_ok(client: TestClient[Any]) -> bool:
    answer = client.get("/ready")
    return answer.status_code == 200 and answer.json()["messaging"]["status"] == "ok"


def _one(spans: list[ReadableSpan], what: str) -> ReadableSpan:
    assert len(spans) == 1, f"{what}: {[s.name for s in spans]}"
    return spans[0]


def test_an_intake_submitted_over_http_and_routed_yields_spans_of_one_trace(
    tmp_path: Path,
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with own_broker(tmp_path / "state") as kafka:
        kafka.start()
        intake = ServiceRuntime(
            intake_definition(
                IntakeSettings(
                    data_dir=tmp_path / "intake", kafka_bootstrap_servers=kafka.bootstrap
                )
            ),
            tracer_provider=provider,
        )
        routing = ServiceRuntime(
            routing_definition(
                RoutingSettings(
                    data_dir=tmp_path / "routing", kafka_bootstrap_servers=kafka.bootstrap
                )
            ),
            tracer_provider=provider,
        )
        for runtime in (intake, routing):
            runtime.migrate()
        with TestClient(intake.app()) as intake_http, TestClient(routing.app()) as routing_http:
            wait_until("intake messaging", lambda: _messaging_ok(intake_http), 120)
            wait_until("routing messaging", lambda: _messaging_ok(routing_http), 120)
            submit_intake_on(intake_http)

            def submit_span() -> ReadableSpan | None:
                return next(
                    (
                        s
                        for s in exporter.get_finished_spans()
                        if s.kind == SpanKind.SERVER
                        and str((s.attributes or {}).get("http.route", "")).endswith("/submit")
                    ),
                    None,
                )

            request = wait_until("the submit request's span", submit_span, 30)
            trace_id = request.context.trace_id

            def consumed() -> list[ReadableSpan]:
                return [
                    s
                    for s in exporter.get_finished_spans()
                    if s.kind == SpanKind.CONSUMER
                    and s.name == f"{INTAKE_EVENTS} process"
                    and s.context.trace_id == trace_id
                    and str(
                        (s.attributes or {}).get("messaging.consumer.group.name", "")
                    ).startswith("routing")
                ]

            consumer = _one(wait_until("routing's consumer span", consumed, 90), "routing")

    trace = [s for s in exporter.get_finished_spans() if s.context.trace_id == trace_id]
    published = [
        s for s in trace if s.kind == SpanKind.PRODUCER and s.name == f"{INTAKE_EVENTS} publish"
    ]
    assert published, "the relay's publish of the intake's events is in the trace"
    # The consumer in routing is a child of the request's span in intake.
    assert consumer.parent is not None
    assert consumer.parent.span_id == request.context.span_id
