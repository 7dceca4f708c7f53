"""The AsyncAPI 3.0 document for every Voorportaal topic, generated from the registry.

Agencies integrate against this document. It is generated (`voorportaal asyncapi`) and
committed; a test fails when the committed file differs from what the code generates.
"""

from __future__ import annotations

import json
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from voorportaal_contracts import events as _events  # noqa: F401  (registers every event)
from voorportaal_contracts.envelope import (
    CONTENT_TYPE,
    H_CONTENT_TYPE,
    H_DATASCHEMA,
    H_ID,
    H_SCHEMAVERSION,
    H_SOURCE,
    H_SPECVERSION,
    H_SUBJECT,
    H_TIME,
    H_TRACEPARENT,
    H_TYPE,
    REQUIRED_HEADERS,
    SPEC_VERSION,
)
from voorportaal_contracts.registry import Event, EventRegistry, registry
from voorportaal_contracts.topics import (
    DLQ_SUFFIX,
    MUNICIPAL_AGENCIES,
    REFERRAL_RESPONSES,
    REFERRALS_PREFIX,
    TOPICS,
    TopicSpec,
    referral_spec,
    referral_topic,
)

DOCUMENT_PATH = Path(__file__).resolve().parents[2] / "asyncapi.json"
"""Where the committed document lives: `contracts/asyncapi.json`."""

_RECEIVED_BY_VOORPORTAAL = {"referral.responses"}
"""Channels that agencies write and Voorportaal reads; every other channel Voorportaal sends."""

_DLQ_HEADERS = {
    "dlq_error_code": "Why the message was dead-lettered. Malformed (no release can accept "
    "it): bad_json, bad_header, bad_payload, missing_header, invalid_payload. Replayable: "
    "unknown_type, unknown_version, parse_error, handler_failed, handler_rejected.",
    "dlq_error": "A readable reason: the rule broken, or the exception type; never the "
    "message's content or an exception's text.",
    "dlq_original_topic": "Topic the message was read from.",
    "dlq_original_partition": "Its partition.",
    "dlq_original_offset": "Its offset.",
    "dlq_consumer_group": "The consumer group that gave up on it.",
    "dlq_attempts": "How many times processing was attempted.",
    "dlq_failed_at": "When it was dead-lettered (RFC 3339).",
}


def _channel_id(address: str) -> str:
    parts = address.replace("{", "").replace("}", "").replace("-", ".").split(".")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def _message_id(model: type[Event]) -> str:
    return f"{model.__name__}V{model.schema_version}"


def _headers_schema() -> dict[str, Any]:
    described = {
        H_SPECVERSION: ("CloudEvents spec version.", {"const": SPEC_VERSION}),
        H_ID: ("Event id (UUID); consumers deduplicate on it.", {"format": "uuid"}),
        H_TYPE: ("Event type, e.g. nl.voorportaal.intake.submitted.", {}),
        H_SOURCE: ("The producing service, e.g. /voorportaal/intake.", {}),
        H_TIME: ("When it happened (RFC 3339).", {"format": "date-time"}),
        H_SUBJECT: ("The case id; equal to the message key.", {}),
        H_SCHEMAVERSION: ("Schema version of the payload (an integer as text).", {}),
        H_DATASCHEMA: ("URN of the payload schema: urn:voorportaal:schema:<type>:v<n>.", {}),
        H_CONTENT_TYPE: ("Always application/json.", {"const": CONTENT_TYPE}),
        H_TRACEPARENT: ("W3C trace context, carried across Kafka hops.", {}),
    }
    return {
        "type": "object",
        "required": list(REQUIRED_HEADERS),
        "properties": {
            name: {"type": "string", "description": text, **extra}
            for name, (text, extra) in described.items()
        },
    }


def _topic_binding(spec: TopicSpec) -> dict[str, Any]:
    return {
        "kafka": {
            "topic": spec.name,
            "partitions": spec.partitions,
            "topicConfiguration": {
                "cleanup.policy": ["compact" if spec.compacted else "delete"],
                "retention.ms": -1 if spec.compacted else spec.retention_ms,
            },
            "bindingVersion": "0.5.0",
        }
    }


def build_document(events: EventRegistry = registry) -> dict[str, Any]:
    """The AsyncAPI document as a JSON-ready dict (deterministic: no timestamps)."""
    models = list(events)
    _, schema = models_json_schema(
        [(m, "validation") for m in models], ref_template="#/components/schemas/{model}"
    )
    schemas: dict[str, Any] = schema.get("$defs", {})
    schemas["CloudEventHeaders"] = _headers_schema()

    messages: dict[str, Any] = {}
    for model in models:
        messages[_message_id(model)] = {
            "name": model.event_type,
            "title": f"{model.__name__} v{model.schema_version}",
            "summary": (model.__doc__ or "").strip().splitlines()[0],
            "contentType": CONTENT_TYPE,
            "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
            "payload": {"$ref": f"#/components/schemas/{model.__name__}"},
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": "The case id."},
                    "bindingVersion": "0.5.0",
                }
            },
        }

    specs = [*TOPICS, referral_spec("agency")]
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for spec in specs:
        is_referral = spec.name.startswith(REFERRALS_PREFIX)
        address = REFERRALS_PREFIX + "{agency}" if is_referral else spec.name
        channel_id = _channel_id(address)
        topic_models = events.for_topic(address)
        channel: dict[str, Any] = {
            "address": address,
            "description": (
                "One topic per agency; an agency's principal may read only its own. Every "
                "municipality is its own agency of each per-municipality organisation "
                f"({', '.join(MUNICIPAL_AGENCIES)}): `<kind>-gm<CBS digits>`, e.g. "
                "referrals.gemeente-gm0363 for Amsterdam's gemeente; no topic is shared by "
                "municipalities. Each agency's own page: /agencies/<code>/asyncapi.json "
                "on the routing service."
                if is_referral
                else spec.description
            ),
            "messages": {
                _message_id(m): {"$ref": f"#/components/messages/{_message_id(m)}"}
                for m in topic_models
            },
            "bindings": _topic_binding(spec),
        }
        if is_referral:
            channel["parameters"] = {
                "agency": {
                    "description": "The agency code: a national agency (uwv, svb) or one "
                    "municipality's own (gemeente-gm0363, wijkteam-gm0599, schuldhulp-gm0344: "
                    "the kind, a hyphen, the CBS municipality code in lower case).",
                    "examples": ["uwv", "gemeente-gm0363"],
                }
            }
            channel["bindings"]["kafka"].pop("topic")
        channels[channel_id] = channel
        action = "receive" if spec.name in _RECEIVED_BY_VOORPORTAAL else "send"
        operations[f"{action}{channel_id[0].upper()}{channel_id[1:]}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{_message_id(m)}"} for m in topic_models
            ],
        }

    channels["deadLetters"] = {
        "address": "{topic}" + DLQ_SUFFIX,
        "description": (
            "Messages a consumer could not process, unchanged (key, value, original headers) "
            "plus dlq_* headers saying why. Operators list and replay them with "
            "`voorportaal dlq`."
        ),
        "parameters": {"topic": {"description": "The topic the message was read from."}},
        "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
    }
    messages["DeadLetter"] = {
        "name": "dead-letter",
        "title": "Dead letter",
        "summary": "The original message, with the reason it could not be processed.",
        "headers": {
            "type": "object",
            "properties": {
                name: {"type": "string", "description": text} for name, text in _DLQ_HEADERS.items()
            },
        },
        "payload": {"description": "The original message value, unchanged."},
    }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Voorportaal events",
            "version": package_version("voorportaal-contracts"),
            "description": (
                "Topics of the Voorportaal front counter. Every message is a CloudEvent in the "
                "Kafka binding's binary mode: attributes in ce_* headers, JSON value, key = "
                "case id. Schemas evolve additively; a breaking change is a new schema version. "
                "Each agency reads only its own referrals.<agency> topic; every municipality "
                "is its own agency (referrals.gemeente-gm0363 is Amsterdam's gemeente: the "
                "kind, a hyphen and the CBS municipality code in lower case)."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The single-node broker of `voorportaal up`.",
            },
            "production": {
                "host": "kafka.voorportaal.example:9093",
                "protocol": "kafka-secure",
                "description": "TLS + SASL; ACLs restrict each agency to its "
                "own referral topic and to writing responses.",
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def agency_document(agency_code: str, events: EventRegistry = registry) -> dict[str, Any]:
    """The AsyncAPI document for one agency's integrator: its own referral topic to read and
    the responses topic to write, seen from the agency's side."""
    topic = referral_topic(agency_code)
    full = build_document(events)
    referral_id = _channel_id(REFERRALS_PREFIX + "{agency}")
    responses_id = _channel_id(REFERRAL_RESPONSES)
    own = dict(full["channels"][referral_id])
    own.pop("parameters", None)
    own["address"] = topic
    own["description"] = (
        f"Referrals for {agency_code}. Only {agency_code}'s principal may read this topic. "
        "Answer each on referral.responses, signed with your HMAC key."
    )
    own["bindings"] = {"kafka": {**own["bindings"]["kafka"], "topic": topic}}
    channels = {"referrals": own, "responses": full["channels"][responses_id]}
    used = {
        ref["$ref"].rsplit("/", 1)[-1]
        for channel in channels.values()
        for ref in channel["messages"].values()
    }
    return {
        **full,
        "info": {
            **full["info"],
            "title": f"Voorportaal referrals for {agency_code}",
            "description": (
                f"How {agency_code} receives referrals from the Voorportaal and answers them. "
                "Messages are CloudEvents in the Kafka binding's binary mode (ce_* headers, "
                "JSON value, key = case id). A response names the referral and your agency; "
                "sign the exact bytes of the record value with HMAC-SHA256 and your key and "
                "send the hex digest in the header `vp-signature: v2=<hex>` (any JSON "
                "serialiser will do). The older `signature` field over canonical JSON is read "
                "until 2027-06-30. Responses for another agency's referral, with a bad "
                "signature, with a `responded_at` more than 24 h old or 5 min ahead, or a "
                "transition the lifecycle does not allow are refused; the same answer sent "
                "again is applied once. `consent-withdrawn` on your topic means: delete the "
                "personal details and story you received with those referrals."
            ),
        },
        "channels": {
            "referrals": {**own, "messages": own["messages"]},
            "responses": channels["responses"],
        },
        "operations": {
            "receiveReferrals": {
                "action": "receive",
                "channel": {"$ref": "#/channels/referrals"},
            },
            "sendResponses": {
                "action": "send",
                "channel": {"$ref": "#/channels/responses"},
            },
        },
        "components": {
            "messages": {k: v for k, v in full["components"]["messages"].items() if k in used},
            "schemas": full["components"]["schemas"],
        },
    }


def render(events: EventRegistry = registry) -> str:
    """The document as stable, pretty-printed JSON text."""
    return json.dumps(build_document(events), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(path: Path = DOCUMENT_PATH) -> Path:
    """Write the document to `path` and return it."""
    path.write_text(render(), encoding="utf-8")
    return path
