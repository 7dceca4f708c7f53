"""The event envelope: CloudEvents 1.0 in the Kafka protocol binding, binary content mode.

The event's attributes travel in Kafka headers (`ce_id`, `ce_type`, `ce_source`, `ce_time`,
`ce_subject`, `ce_specversion`, `ce_schemaversion`, `traceparent`, `content-type`), the event
data is the JSON message value, and the message key is the case id, so that one case's events
stay in one partition and in order. Any CloudEvents SDK or plain Kafka client can read it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from uuid import UUID, uuid4

from pydantic import ValidationError

from voorportaal_contracts.registry import Event, EventRegistry, UnknownEventType, registry

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")

H_ID = "ce_id"
H_TYPE = "ce_type"
H_SOURCE = "ce_source"
H_TIME = "ce_time"
H_SUBJECT = "ce_subject"
H_SPECVERSION = "ce_specversion"
H_SCHEMAVERSION = "ce_schemaversion"
H_DATASCHEMA = "ce_dataschema"
H_TRACEPARENT = "traceparent"
H_CONTENT_TYPE = "content-type"
REQUIRED_HEADERS = (H_ID, H_TYPE, H_SOURCE, H_TIME, H_SUBJECT, H_SPECVERSION, H_SCHEMAVERSION)

Headers = list[tuple[str, bytes]]

_CURRENT_TRACEPARENT: ContextVar[str | None] = ContextVar("traceparent", default=None)


def current_traceparent() -> str | None:
    """The W3C trace context of the work in progress (an HTTP request, a consumed event): a
    new `Envelope` carries it unless given one, so its event joins the caller's trace."""
    return _CURRENT_TRACEPARENT.get()


def use_traceparent(traceparent: str | None) -> Token[str | None]:
    """Make `traceparent` current (the kit does, per request and per consumed event); pass
    the token to `restore_traceparent` when the work ends."""
    return _CURRENT_TRACEPARENT.set(traceparent)


def restore_traceparent(token: Token[str | None]) -> None:
    """Undo `use_traceparent`."""
    _CURRENT_TRACEPARENT.reset(token)


class EnvelopeError(ValueError):
    """A Kafka record is not a valid Voorportaal event; `code` says which rule it broke."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def dataschema_uri(event_type: str, version: int) -> str:
    """The `dataschema` URI of an event type and version (documented in the AsyncAPI file)."""
    return f"urn:voorportaal:schema:{event_type}:v{version}"


@dataclass(frozen=True, slots=True)
class KafkaRecord:
    """What goes onto Kafka for one event."""

    topic: str
    key: bytes
    value: bytes
    headers: Headers


@dataclass(frozen=True, slots=True)
class Envelope:
    """One event with its CloudEvents context attributes."""

    data: Event
    source: str
    id: UUID = field(default_factory=uuid4)
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    traceparent: str | None = field(default_factory=current_traceparent)
    raw_value: bytes | None = field(default=None, repr=False, compare=False)
    """The record's value exactly as read from Kafka (None for an event made in-process):
    signatures are checked over these bytes, never over a re-serialisation."""
    raw_headers: Mapping[str, str] | None = field(default=None, repr=False, compare=False)
    """Every header of the record as read (None for an event made in-process)."""
    _subject: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.time.tzinfo is None:
            raise ValueError("event time must be timezone-aware")
        if self.traceparent is not None and not _TRACEPARENT.fullmatch(self.traceparent):
            raise ValueError(f"traceparent {self.traceparent!r} is not W3C trace context")
        # The data is frozen: its case id is read once (key, subject header, grouping).
        object.__setattr__(self, "_subject", self.data.subject())

    @property
    def type(self) -> str:
        """The CloudEvents `type`."""
        return self.data.event_type

    @property
    def version(self) -> int:
        """The schema version of the data."""
        return self.data.schema_version

    @property
    def subject(self) -> str:
        """The case id: the CloudEvents `subject` and the Kafka key."""
        return self._subject

    @property
    def topic(self) -> str:
        """The topic this event type is published on."""
        return self.data.topic

    def headers(self) -> Headers:
        """The Kafka headers of the binary content mode."""
        spec, type_, version, schema, content = _type_headers(self.type, self.version)
        headers: Headers = [
            spec,
            (H_ID, str(self.id).encode()),
            type_,
            (H_SOURCE, self.source.encode()),
            (H_TIME, self.time.astimezone(UTC).isoformat().encode()),
            (H_SUBJECT, self.subject.encode()),
            version,
            schema,
            content,
        ]
        if self.traceparent:
            headers.append((H_TRACEPARENT, self.traceparent.encode()))
        return headers

    def header_text(self) -> str:
        """The same headers as `name=value` lines (the form an outbox stores them in), built
        without encoding each one first: the type's own lines are made once per type."""
        type_part, version_part = _type_header_lines(self.type, self.version)
        source, subject = self.source, self.subject
        if "\n" in source or "\n" in subject:
            raise ValueError("a header value cannot contain a line break")
        text = (
            f"{_SPEC_LINE}\n{H_ID}={self.id}{type_part}{source}\n"
            f"{H_TIME}={self.time.astimezone(UTC).isoformat()}\n{H_SUBJECT}={subject}{version_part}"
        )
        if self.traceparent:
            text += f"\n{H_TRACEPARENT}={self.traceparent}"
        return text

    def value(self) -> bytes:
        """The JSON message value."""
        return self.data.model_dump_json().encode()

    def follow_up(self, data: Event, source: str, *, time: datetime | None = None) -> Envelope:
        """A new event caused by this one: the same trace, a new span (trace context crosses
        the Kafka hop), or a new trace when this one had none."""
        return Envelope(
            data=data,
            source=source,
            time=time or datetime.now(UTC),
            traceparent=child_traceparent(self.traceparent),
        )

    def to_kafka(self, topic: str | None = None) -> KafkaRecord:
        """The record to publish; `topic` overrides the type's topic (per-agency topics)."""
        return KafkaRecord(topic or self.topic, self.subject.encode(), self.value(), self.headers())


@lru_cache(maxsize=1024)
def _type_headers(event_type: str, version: int) -> tuple[tuple[str, bytes], ...]:
    """The headers that follow from the type and version alone, encoded once."""
    return (
        (H_SPECVERSION, SPEC_VERSION.encode()),
        (H_TYPE, event_type.encode()),
        (H_SCHEMAVERSION, str(version).encode()),
        (H_DATASCHEMA, dataschema_uri(event_type, version).encode()),
        (H_CONTENT_TYPE, CONTENT_TYPE.encode()),
    )


_SPEC_LINE = f"{H_SPECVERSION}={SPEC_VERSION}"


@lru_cache(maxsize=1024)
def _type_header_lines(event_type: str, version: int) -> tuple[str, str]:
    """The text around the source, time and subject lines that follows from type and version."""
    return (
        f"\n{H_TYPE}={event_type}\n{H_SOURCE}=",
        f"\n{H_SCHEMAVERSION}={version}\n{H_DATASCHEMA}={dataschema_uri(event_type, version)}"
        f"\n{H_CONTENT_TYPE}={CONTENT_TYPE}",
    )


def child_traceparent(parent: str | None) -> str:
    """W3C trace context for a new span under `parent` (or the root of a new trace)."""
    if parent and _TRACEPARENT.fullmatch(parent):
        version, trace_id, _span, flags = parent.split("-")
        return f"{version}-{trace_id}-{secrets.token_hex(8)}-{flags}"
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def header_map(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    """Kafka headers as a str→str map; the last value of a repeated header wins."""
    out: dict[str, str] = {}
    for name, raw in headers:
        if raw is None:
            continue
        try:
            out[name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EnvelopeError("bad_header", f"header {name} is not UTF-8") from None
    return out


def from_kafka(
    key: bytes | None,
    value: bytes | None,
    headers: Iterable[tuple[str, bytes | None]],
    events: EventRegistry = registry,
) -> Envelope:
    """Parse a Kafka record into an Envelope, or raise EnvelopeError with a readable reason."""
    h = header_map(headers)
    missing = [name for name in REQUIRED_HEADERS if not h.get(name)]
    if missing:
        raise EnvelopeError("missing_header", f"missing header(s): {', '.join(missing)}")
    if h[H_SPECVERSION] != SPEC_VERSION:
        raise EnvelopeError("bad_header", f"ce_specversion {h[H_SPECVERSION]!r} is not 1.0")
    if h.get(H_CONTENT_TYPE, CONTENT_TYPE).split(";")[0].strip() != CONTENT_TYPE:
        raise EnvelopeError("bad_header", f"content-type {h[H_CONTENT_TYPE]!r} is not JSON")
    try:
        event_id = UUID(h[H_ID])
    except ValueError:
        raise EnvelopeError("bad_header", f"ce_id {h[H_ID]!r} is not a UUID") from None
    try:
        version = int(h[H_SCHEMAVERSION])
    except ValueError:
        raise EnvelopeError(
            "bad_header", f"ce_schemaversion {h[H_SCHEMAVERSION]!r} is not a number"
        ) from None
    try:
        time = datetime.fromisoformat(h[H_TIME])
    except ValueError:
        raise EnvelopeError("bad_header", f"ce_time {h[H_TIME]!r} is not RFC 3339") from None
    if time.tzinfo is None:
        raise EnvelopeError("bad_header", "ce_time has no timezone")
    traceparent = h.get(H_TRACEPARENT)
    if traceparent is not None and not _TRACEPARENT.fullmatch(traceparent):
        traceparent = None  # a broken trace header must not cost us the event
    try:
        model = events.lookup(h[H_TYPE], version)
    except UnknownEventType as exc:
        code = "unknown_version" if exc.type_known else "unknown_type"
        raise EnvelopeError(code, str(exc)) from None
    if value is None:
        raise EnvelopeError("bad_payload", "message has no value")
    try:
        # pydantic parses the JSON itself (in Rust): no intermediate dict, the hot path.
        data = model.model_validate_json(value)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        if errors and errors[0]["type"] == "json_invalid":
            raise EnvelopeError("bad_json", f"value is not JSON: {errors[0]['msg']}") from None
        raise EnvelopeError("invalid_payload", _describe(exc)) from None
    if data.subject() != h[H_SUBJECT]:
        raise EnvelopeError("bad_header", "ce_subject does not match the event's case id")
    if key is not None and key.decode("utf-8", "replace") != h[H_SUBJECT]:
        raise EnvelopeError("bad_header", "message key does not match ce_subject")
    return Envelope(
        data=data,
        source=h[H_SOURCE],
        id=event_id,
        time=time,
        traceparent=traceparent,
        raw_value=value,
        raw_headers=h,
    )


def _describe(exc: ValidationError) -> str:
    """Field-by-field reasons, without echoing the (possibly personal) input values."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def describe_headers(headers: Mapping[str, str]) -> str:
    """A one-line summary of an event's identifying headers, for logs and the DLQ CLI."""
    return " ".join(
        f"{k}={headers[k]}" for k in (H_TYPE, H_SCHEMAVERSION, H_ID, H_SUBJECT) if k in headers
    )
