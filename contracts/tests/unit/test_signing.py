"""Agencies sign their responses; routing verifies with the agency's key."""

from __future__ import annotations

from datetime import UTC, datetime

from voorportaal_contracts.signing import signed_response, signing_input, verify

KEY = b"uwv-key-0123456789abcdef0123456789"
FIELDS = {
    "case_id": "case-7f3a9c21",
    "referral_id": "ref-1",
    "agency_code": "uwv",
    "response": "declined",
    "decline_reason": "referred_elsewhere",
    "responded_at": datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
}


def test_a_signed_response_verifies_with_its_key_only() -> None:
    response = signed_response(KEY, **FIELDS)
    assert verify(response, KEY)
    assert not verify(response, b"svb-key-0123456789abcdef0123456789")


def test_any_changed_field_breaks_the_signature() -> None:
    response = signed_response(KEY, **FIELDS)
    for field, value in [
        ("referral_id", "ref-2"),
        ("agency_code", "svb"),
        ("response", "accepted"),
    ]:
        assert not verify(response.model_copy(update={field: value}), KEY), field


def test_the_signed_input_is_canonical_json_without_the_signature() -> None:
    payload = signed_response(KEY, **FIELDS).model_dump(mode="json")
    raw = signing_input(payload)
    assert b"signature" not in raw and b" " not in raw
    assert raw.startswith(b'{"agency_code":"uwv","case_id":')
