"""Signatures on agencies' responses: HMAC-SHA256 with the agency's own key.

The signed input is the canonical JSON of every field of the response except `signature`:
keys sorted, no whitespace, UTF-8, datetimes in ISO 8601 as the event's JSON has them. Any
HMAC library can reproduce it; the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from voorportaal_contracts.events.referrals import ReferralResponded


def signing_input(fields: dict[str, Any]) -> bytes:
    """The bytes that are signed: canonical JSON of `fields` without `signature`."""
    unsigned = {k: v for k, v in fields.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(fields: dict[str, Any], key: bytes) -> str:
    """The hex signature of a response's fields (JSON-mode values) with an agency's key."""
    return hmac.new(key, signing_input(fields), hashlib.sha256).hexdigest()


def signed_response(key: bytes, **fields: Any) -> ReferralResponded:
    """A `ReferralResponded` with its signature filled in (for agencies and tests)."""
    draft = ReferralResponded.model_validate({**fields, "signature": "0" * 64})
    payload = draft.model_dump(mode="json", exclude={"signature"})
    return ReferralResponded.model_validate({**fields, "signature": sign(payload, key)})


def verify(response: ReferralResponded, key: bytes) -> bool:
    """Whether the response was signed with `key` and not changed since."""
    expected = sign(response.model_dump(mode="json", exclude={"signature"}), key)
    return hmac.compare_digest(expected, response.signature)
