"""OpenTelemetry traces across the HTTP and Kafka hops.

A span for each HTTP request, for each event the outbox relay publishes and for each event a
consumer applies; the W3C `traceparent` that already travels in every event's headers makes
the consumer's span a child of the request that caused the event, in another service.

Exported over OTLP/HTTP only when configured (`OTEL_EXPORTER_OTLP_ENDPOINT` or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, with the SDK's other `OTEL_*` settings). With nothing
configured there is no tracer at all: the middleware is not installed and the relay and the
consumers skip the tracing code, so it costs nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, Tracer, TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from voorportaal_contracts.envelope import Envelope, restore_traceparent, use_traceparent

_PROPAGATOR = TraceContextTextMapPropagator()
_PROCESS_PROVIDER: TracerProvider | None = None
_LOCK = threading.Lock()

OTLP_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
"""Either one turns export on (the SDK's own names, read by its OTLP exporter too)."""


def otlp_configured() -> bool:
    """Whether an OTLP endpoint for traces is configured in the environment."""
    return any(os.environ.get(name) for name in OTLP_ENDPOINT_VARIABLES)


def tracer_for(service_name: str, provider: TracerProvider | None = None) -> Tracer | None:
    """The service's tracer: from `provider` (tests), from an OTLP exporter when one is
    configured, or None (no tracing, no cost)."""
    if provider is None:
        if not otlp_configured():
            return None
        provider = _otlp_provider(service_name)
    return provider.get_tracer(f"voorportaal.{service_name}")


def _otlp_provider(service_name: str) -> TracerProvider:
    """One SDK provider per process, exporting in batches over OTLP/HTTP."""
    global _PROCESS_PROVIDER
    with _LOCK:
        if _PROCESS_PROVIDER is None:
            # Imported here: a process that does not trace never loads the SDK.
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.resources import SERVICE_NAME, Resource
            from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
            from opentelemetry.sdk.trace.export import BatchSpanProcessor

            sdk = SdkTracerProvider(
                resource=Resource.create({SERVICE_NAME: f"voorportaal-{service_name}"})
            )
            sdk.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            _PROCESS_PROVIDER = sdk
        return _PROCESS_PROVIDER


def shutdown_tracing() -> None:
    """Flush and stop the process's OTLP exporter (spans still queued are sent)."""
    provider = _PROCESS_PROVIDER
    if provider is not None and hasattr(provider, "shutdown"):
        provider.shutdown()


def parent_context(traceparent: str | None) -> Context | None:
    """The OpenTelemetry context of a W3C `traceparent` (None: start a new trace)."""
    if not traceparent:
        return None
    return _PROPAGATOR.extract({"traceparent": traceparent})


def traceparent_of(span: Span) -> str | None:
    """The W3C `traceparent` that makes a span the parent of what comes next."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, trace.set_span_in_context(span))
    return carrier.get("traceparent")


@contextmanager
def current_span_for_events(span: Span) -> Iterator[None]:
    """Events created while this runs (`Envelope(...)`) carry the span's trace context."""
    token = use_traceparent(traceparent_of(span))
    try:
        yield
    finally:
        restore_traceparent(token)


def consume_spans(
    tracer: Tracer, envelopes: Sequence[Envelope], *, topic: str, group: str
) -> list[Span]:
    """One CONSUMER span per event, each a child of the event's `traceparent`; the caller ends
    them when the batch is applied (`end_spans`)."""
    return [
        tracer.start_span(
            f"{topic} process",
            context=parent_context(envelope.traceparent),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.destination.name": topic,
                "messaging.consumer.group.name": group,
                "messaging.message.id": str(envelope.id),
                "cloudevents.event_type": envelope.type,
            },
        )
        for envelope in envelopes
    ]


def end_spans(spans: Sequence[Span], error: BaseException | None = None) -> None:
    """End spans, marking them failed with the error's type (never its message: it may
    hold personal data)."""
    for span in spans:
        if error is not None:
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
            span.set_attribute("error.type", type(error).__name__)
        span.end()


def publish_span(
    tracer: Tracer, *, topic: str, traceparent: str | None, event_id: Any, start_ns: int
) -> None:
    """A finished PRODUCER span for one event the relay published (acknowledged by Kafka),
    a child of the event's `traceparent`."""
    span = tracer.start_span(
        f"{topic} publish",
        context=parent_context(traceparent),
        kind=SpanKind.PRODUCER,
        start_time=start_ns,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "send",
            "messaging.destination.name": topic,
            "messaging.message.id": str(event_id),
        },
    )
    span.end()
