"""Agencies sign their responses; routing verifies with the agency's key."""

from __future__ import annotations

from datetime import UTC, datetime

from voorportaal_contracts.envelope import Envelope
from voorportaal_contracts.signing import (
    SIGNATURE_HEADER,
    sign_record,
    signature_header,
    signed_response,
    signing_input,
    unsigned_response,
    verify,
    verify_value,
)

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


# -- v2: the exact bytes of the record value -----------------------------------------------

HAND_BUILT = (
    b'{ "responded_at": "2026-11-30T09:00:00+00:00", "response": "declined",\n'
    b'  "referral_id": "ref-1", "agency_code": "uwv", "case_id": "case-7f3a9c21",\n'
    b'  "decline_reason": "referred_elsewhere" }'
)


def test_v2_signs_the_exact_value_bytes_whatever_serialiser_made_them() -> None:
    header = signature_header(HAND_BUILT, KEY)[1].decode()
    assert header.startswith("v2=")
    assert verify_value(HAND_BUILT, header, KEY)
    # The same answer in our own serialisation has other bytes: its v2 signature differs,
    # and the legacy canonical-JSON check of the hand-built bytes would have failed.
    ours = unsigned_response(**FIELDS).model_dump_json().encode()
    assert ours != HAND_BUILT and not verify_value(ours, header, KEY)


def test_v2_refuses_another_key_a_changed_byte_and_a_malformed_header() -> None:
    header = signature_header(HAND_BUILT, KEY)[1].decode()
    assert not verify_value(HAND_BUILT, header, b"svb-key-0123456789abcdef0123456789")
    assert not verify_value(HAND_BUILT.replace(b"ref-1", b"ref-2"), header, KEY)
    assert not verify_value(HAND_BUILT, header[3:], KEY), "the scheme is required"
    assert not verify_value(HAND_BUILT, "v2=xyz", KEY)


def test_v2_accepts_one_valid_signature_among_several_for_key_rotation() -> None:
    old = signature_header(HAND_BUILT, b"old-key-0123456789abcdef012345678")[1].decode()
    new = signature_header(HAND_BUILT, KEY)[1].decode()
    assert verify_value(HAND_BUILT, f"{old}, {new}", KEY)
    assert verify_value(HAND_BUILT, f"v3={'a' * 64},{new}", KEY), "unknown schemes are skipped"


def test_sign_record_adds_one_header_over_the_record_value() -> None:
    envelope = Envelope(unsigned_response(**FIELDS), source="/agency/uwv")
    signed = sign_record(sign_record(envelope.to_kafka(), b"first-key-000000000000000000000"), KEY)
    found = [raw for name, raw in signed.headers if name == SIGNATURE_HEADER]
    assert len(found) == 1 and verify_value(signed.value, found[0].decode(), KEY)
    assert unsigned_response(**FIELDS).signature is None
    assert not verify(unsigned_response(**FIELDS), KEY), "no legacy signature to check"
