"""The envelope: every event round-trips through Kafka headers; bad records are refused."""

from __future__ import annotations

import contextlib
import json
from uuid import uuid4

import pytest
from factories import CASE, EXAMPLES, T, example
from hypothesis import given
from hypothesis import strategies as st

from voorportaal_contracts.envelope import (
    REQUIRED_HEADERS,
    Envelope,
    EnvelopeError,
    from_kafka,
)
from voorportaal_contracts.registry import Event, EventRegistry, registry

ALL = list(registry)
TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def test_every_registered_event_has_an_example() -> None:
    assert {m for m in ALL} == set(EXAMPLES), "add an example for each new event type"


@pytest.mark.parametrize("model", ALL, ids=lambda m: f"{m.event_type}.v{m.schema_version}")
def test_event_round_trips_through_kafka_record(model: type[Event]) -> None:
    original = Envelope(example(model), source="/voorportaal/test", traceparent=TRACE)
    record = original.to_kafka("referrals.uwv" if "{" in model.topic else None)

    parsed = from_kafka(record.key, record.value, record.headers)

    assert parsed == original
    assert record.key == CASE.encode()
    headers = dict(record.headers)
    assert headers["ce_subject"] == CASE.encode()
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == model.event_type.encode()
    assert headers["ce_schemaversion"] == str(model.schema_version).encode()
    assert headers["traceparent"] == TRACE.encode()
    assert headers["content-type"] == b"application/json"


@pytest.mark.parametrize("model", ALL, ids=lambda m: f"{m.event_type}.v{m.schema_version}")
@pytest.mark.parametrize("traceparent", [TRACE, None])
def test_header_text_is_the_headers_as_lines(model: type[Event], traceparent: str | None) -> None:
    envelope = Envelope(example(model), source="/voorportaal/test", traceparent=traceparent)

    lines = envelope.header_text().split("\n")

    assert lines == [f"{name}={value.decode()}" for name, value in envelope.headers()]


def test_header_text_refuses_a_line_break_in_a_value() -> None:
    envelope = Envelope(example(ALL[0]), source="/voorportaal/test\nce_type=Forged")

    with pytest.raises(ValueError, match="line break"):
        envelope.header_text()


def _record(model: type[Event] | None = None) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    env = Envelope(example(model or ALL[0]), source="/voorportaal/test")
    record = env.to_kafka("referrals.uwv")
    return record.key, record.value, list(record.headers)


def _replace(
    headers: list[tuple[str, bytes]], name: str, value: bytes | None
) -> list[tuple[str, bytes]]:
    out = [(n, v) for n, v in headers if n != name]
    return out if value is None else [*out, (name, value)]


@pytest.mark.parametrize("header", REQUIRED_HEADERS)
def test_missing_header_is_refused_naming_it(header: str) -> None:
    key, value, headers = _record()
    with pytest.raises(EnvelopeError) as err:
        from_kafka(key, value, _replace(headers, header, None))
    assert err.value.code == "missing_header"
    assert header in err.value.reason


def test_unknown_type_is_refused() -> None:
    key, value, headers = _record()
    with pytest.raises(EnvelopeError) as err:
        from_kafka(key, value, _replace(headers, "ce_type", b"nl.voorportaal.nope"))
    assert err.value.code == "unknown_type"


def test_unknown_version_of_known_type_is_refused_listing_known_versions() -> None:
    key, value, headers = _record()
    with pytest.raises(EnvelopeError) as err:
        from_kafka(key, value, _replace(headers, "ce_schemaversion", b"99"))
    assert err.value.code == "unknown_version"
    assert "known: [1]" in err.value.reason


def test_malformed_json_is_refused() -> None:
    key, _, headers = _record()
    with pytest.raises(EnvelopeError) as err:
        from_kafka(key, b"{not json", headers)
    assert err.value.code == "bad_json"


def test_invalid_payload_names_the_field_without_echoing_values() -> None:
    model = next(m for m in ALL if m.__name__ == "ContactPointsUpdated")
    key, value, headers = _record(model)
    payload = json.loads(value)
    payload["phone"] = "0612-secret-number"
    with pytest.raises(EnvelopeError) as err:
        from_kafka(key, json.dumps(payload).encode(), headers)
    assert err.value.code == "invalid_payload"
    assert "phone" in err.value.reason
    assert "secret" not in err.value.reason


def test_key_that_differs_from_subject_is_refused() -> None:
    _, value, headers = _record()
    with pytest.raises(EnvelopeError) as err:
        from_kafka(b"other-case-1", value, headers)
    assert err.value.code == "bad_header"


def test_non_uuid_id_and_naive_time_are_refused() -> None:
    key, value, headers = _record()
    with pytest.raises(EnvelopeError, match="ce_id"):
        from_kafka(key, value, _replace(headers, "ce_id", b"42"))
    with pytest.raises(EnvelopeError, match="timezone"):
        from_kafka(key, value, _replace(headers, "ce_time", b"2026-11-29T10:00:00"))


def test_extra_fields_from_a_newer_producer_are_ignored() -> None:
    key, value, headers = _record()
    payload = json.loads(value)
    payload["added_in_a_later_release"] = True
    assert from_kafka(key, json.dumps(payload).encode(), headers).subject == CASE


def test_a_separate_registry_does_not_know_the_public_events() -> None:
    key, value, headers = _record()
    with pytest.raises(EnvelopeError) as err:
        from_kafka(key, value, headers, EventRegistry())
    assert err.value.code == "unknown_type"


def test_registering_two_models_under_one_type_and_version_is_refused() -> None:
    events = EventRegistry()

    @events.register("t.x", version=1, topic="t")
    class A(Event):
        case_id: str

    with pytest.raises(ValueError, match="already registered"):

        @events.register("t.x", version=1, topic="t")
        class B(Event):
            case_id: str


def test_envelope_refuses_naive_time_and_bad_traceparent() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Envelope(example(ALL[0]), source="s", time=T.replace(tzinfo=None))
    with pytest.raises(ValueError, match="traceparent"):
        Envelope(example(ALL[0]), source="s", traceparent="nope")


header_names = st.sampled_from([*REQUIRED_HEADERS, "content-type", "traceparent", "x"])
headers_strategy = st.lists(st.tuples(header_names, st.binary(max_size=40)), max_size=12)


@given(
    key=st.one_of(st.none(), st.binary(max_size=20)),
    value=st.one_of(st.none(), st.binary(max_size=200)),
    headers=headers_strategy,
)
def test_arbitrary_records_raise_only_envelope_errors(
    key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
) -> None:
    with contextlib.suppress(EnvelopeError):
        from_kafka(key, value, headers)


@given(st.sampled_from(ALL), st.text(max_size=50))
def test_garbage_values_with_valid_headers_raise_only_envelope_errors(
    model: type[Event], text: str
) -> None:
    env = Envelope(example(model), source="s", id=uuid4())
    record = env.to_kafka("referrals.uwv")
    with contextlib.suppress(EnvelopeError):
        from_kafka(record.key, text.encode(), record.headers)


def test_follow_up_event_continues_the_trace_with_a_new_span() -> None:
    cause = Envelope(example(ALL[0]), source="/voorportaal/intake", traceparent=TRACE)
    effect = cause.follow_up(example(ALL[1]), "/voorportaal/routing")
    assert effect.traceparent is not None
    _, trace, span, _ = effect.traceparent.split("-")
    assert trace == TRACE.split("-")[1]
    assert span != TRACE.split("-")[2]
    assert effect.id != cause.id


def test_follow_up_without_a_trace_starts_one() -> None:
    cause = Envelope(example(ALL[0]), source="/voorportaal/intake")
    assert cause.follow_up(example(ALL[1]), "s").traceparent is not None
