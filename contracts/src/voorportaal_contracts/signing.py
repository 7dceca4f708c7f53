"""Signatures on agencies' responses: HMAC-SHA256 with the agency's own key.

**v2 (current): the exact bytes of the record value.** The agency serialises its answer however
its JSON library likes, computes HMAC-SHA256 over those bytes with its key, and sends the hex
digest in the Kafka header `vp-signature: v2=<hex>` (as webhook standards do: no canonical form
to re-create, any client in any language can sign). Routing checks the signature over the raw
value bytes it read, before it trusts anything in them. Several signatures may be sent
comma-separated (`v2=<hex>,v2=<hex>`, e.g. while a key is rotated); one valid one suffices.

**v1 (legacy, read until `LEGACY_SIGNATURES_UNTIL`): the `signature` field inside the payload**,
HMAC-SHA256 over the canonical JSON of every other field (keys sorted, no whitespace, UTF-8,
datetimes as the event's JSON has them). It breaks as soon as a client writes `+00:00` instead
of `Z` or leaves out a null field, which is why v2 replaced it.

Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import date
from typing import Any, Final

from voorportaal_contracts.envelope import KafkaRecord
from voorportaal_contracts.events.referrals import ReferralResponded

SIGNATURE_HEADER: Final = "vp-signature"
"""The Kafka header that carries the v2 signature of the record value."""

SIGNATURE_SCHEME: Final = "v2"

LEGACY_SIGNATURES_UNTIL: Final = date(2027, 6, 30)
"""The last day on which a v1 signature (inside the payload) is still accepted by default."""

_ENTRY = re.compile(r"^\s*([a-z0-9]+)=([0-9a-fA-F]{64})\s*$")


# -- v2: the exact bytes of the record value -----------------------------------------------


def sign_value(value: bytes, key: bytes) -> str:
    """The hex HMAC-SHA256 of a record value with an agency's key."""
    return hmac.new(key, value, hashlib.sha256).hexdigest()


def signature_header(value: bytes, key: bytes) -> tuple[str, bytes]:
    """The `vp-signature` header for a record value."""
    return SIGNATURE_HEADER, f"{SIGNATURE_SCHEME}={sign_value(value, key)}".encode()


def sign_record(record: KafkaRecord, key: bytes) -> KafkaRecord:
    """The same record with its value's v2 signature header added (for agencies and tests)."""
    headers = [(name, raw) for name, raw in record.headers if name != SIGNATURE_HEADER]
    return KafkaRecord(
        record.topic, record.key, record.value, [*headers, signature_header(record.value, key)]
    )


def verify_value(value: bytes, header: str, key: bytes) -> bool:
    """Whether one of the v2 signatures in `header` is the value's, with `key`.

    A header that is not a comma-separated list of `scheme=<64 hex>` is not valid; entries of
    other schemes are ignored (a later scheme can be sent next to v2)."""
    expected = sign_value(value, key)
    found = False
    for entry in header.split(","):
        match = _ENTRY.fullmatch(entry)
        if match is None:
            return False
        scheme, digest = match.groups()
        if scheme == SIGNATURE_SCHEME and hmac.compare_digest(expected, digest.lower()):
            found = True
    return found


def unsigned_response(**fields: Any) -> ReferralResponded:
    """A `ReferralResponded` without the legacy in-payload signature (sign its record)."""
    return ReferralResponded.model_validate({**fields, "signature": None})


# -- v1 (legacy): canonical JSON inside the payload ----------------------------------------


def signing_input(fields: dict[str, Any]) -> bytes:
    """v1: the bytes that are signed: canonical JSON of `fields` without `signature`."""
    unsigned = {k: v for k, v in fields.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(fields: dict[str, Any], key: bytes) -> str:
    """v1: the hex signature of a response's fields (JSON-mode values) with an agency's key."""
    return hmac.new(key, signing_input(fields), hashlib.sha256).hexdigest()


def signed_response(key: bytes, **fields: Any) -> ReferralResponded:
    """v1: a `ReferralResponded` with its in-payload signature filled in (legacy clients)."""
    draft = ReferralResponded.model_validate({**fields, "signature": "0" * 64})
    payload = draft.model_dump(mode="json", exclude={"signature"})
    return ReferralResponded.model_validate({**fields, "signature": sign(payload, key)})


def verify(response: ReferralResponded, key: bytes) -> bool:
    """v1: whether the response's in-payload signature was made with `key` over its fields."""
    if response.signature is None:
        return False
    expected = sign(response.model_dump(mode="json", exclude={"signature"}), key)
    return hmac.compare_digest(expected, response.signature)
