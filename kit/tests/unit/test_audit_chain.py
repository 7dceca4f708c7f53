"""The access audit log (every service's): hash chaining, tamper detection for every kind of
tampering, and the anchor kept outside the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorportaal_kit import audit
from voorportaal_kit.audit import GENESIS, AuditAction, AuditRecord, Checkpoint

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CASE = "case-000001"
OTHER_CASE = "case-000002"
KEY = b"k" * 32


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def entry(n: int, *, allowed: bool = True, case_id: str = CASE) -> AuditRecord:
    return audit.record(
        at=at(n),
        actor=f"cm-{n % 3}",
        role="casemanager" if n % 2 else "agency:uwv",
        case_id=case_id,
        data_kind="summary",
        purpose="coordination",
        action=AuditAction.READ if n % 4 else AuditAction.CHANGE,
        allowed=allowed,
        basis="owner" if allowed else "none",
        reason="owner of the case" if allowed else "the sharing grant has expired",
        on_behalf_of="grant-uwv" if n % 2 == 0 else None,
        object_id=None,
    )


LOG = audit.chain(entry(n, allowed=n % 5 != 0) for n in range(1, 9))


def kinds(records: list[AuditRecord], **anchor: object) -> set[str]:
    return {p.kind for p in audit.verify(records, **anchor)}  # type: ignore[arg-type]


def test_an_untouched_chain_verifies() -> None:
    assert audit.verify(LOG, expected_head=LOG[-1].hash, expected_count=len(LOG)) == []
    assert LOG[0].prev_hash == GENESIS
    assert [r.seq for r in LOG] == list(range(1, 9))
    assert all(b.prev_hash == a.hash for a, b in pairwise(LOG))


def test_chaining_continues_after_the_current_head() -> None:
    more = audit.chain([entry(20), entry(21)], after=LOG[-1])
    assert more[0].seq == 9
    assert audit.verify(LOG + more) == []
    assert audit.verify(more, start_after=LOG[-1]) == []


def test_a_modified_record_is_detected() -> None:
    assert LOG[4].outcome is audit.AuditOutcome.REFUSED
    tampered = list(LOG)
    tampered[4] = replace(LOG[4], outcome=audit.AuditOutcome.ALLOWED, basis="owner")
    assert [(p.index, p.kind) for p in audit.verify(tampered)] == [(4, "modified")]


def test_a_modified_record_whose_hash_was_recomputed_breaks_the_next_link() -> None:
    forged = replace(LOG[2], actor="someone-else")
    forged = replace(forged, hash=audit.compute_hash(forged))
    tampered = [*LOG[:2], forged, *LOG[3:]]
    problems = audit.verify(tampered)
    assert [(p.index, p.kind) for p in problems] == [(3, "broken_link")]


def test_a_deleted_record_is_detected() -> None:
    tampered = [*LOG[:4], *LOG[5:]]
    assert kinds(tampered) == {"broken_link", "sequence"}


def test_records_deleted_from_the_end_are_caught_by_the_anchor() -> None:
    truncated = LOG[:-2]
    assert audit.verify(truncated) == []  # the chain alone cannot know
    assert kinds(truncated, expected_head=LOG[-1].hash, expected_count=len(LOG)) == {
        "truncated",
        "head_mismatch",
    }


def test_an_inserted_record_is_detected_even_when_sealed_properly() -> None:
    intruder = audit.seal(entry(99), LOG[3])
    tampered = [*LOG[:4], intruder, *LOG[4:]]
    assert kinds(tampered) >= {"broken_link", "sequence"}


def test_reordered_records_are_detected() -> None:
    tampered = [*LOG[:2], LOG[3], LOG[2], *LOG[4:]]
    assert kinds(tampered) >= {"broken_link", "sequence"}


def test_records_round_trip_through_their_stored_bytes() -> None:
    assert [audit.decode(audit.encode(r)) for r in LOG] == LOG


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_single_byte_change_in_any_record_is_detected(data: st.DataObject) -> None:
    stored = [audit.encode(r) for r in LOG]
    index = data.draw(st.integers(0, len(stored) - 1), label="record")
    raw = bytearray(stored[index])
    position = data.draw(st.integers(0, len(raw) - 1), label="byte")
    new = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]), label="value")
    raw[position] = new
    stored[index] = bytes(raw)
    try:
        records = [audit.decode(r) for r in stored]
    except ValueError:
        return  # refused on reading: detected
    assert audit.verify(records) != []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor", "Anna de Vries"),
        ("actor", "anna@example.nl"),
        ("case_id", "123456782 Fatima"),
        ("object_id", "paspoort van Fatima.pdf"),
        ("on_behalf_of", "Karin Bakker"),
        ("purpose", "Heeft schulden"),
        ("reason", "BSN 123456782 gelezen"),
    ],
)
def test_records_refuse_personal_data_values(field: str, value: str) -> None:
    arguments: dict[str, object] = {
        "at": at(0),
        "actor": "cm-1",
        "role": "casemanager",
        "case_id": CASE,
        "data_kind": "documents",
        "purpose": "coordination",
        "action": AuditAction.READ,
        "allowed": True,
        "basis": "owner",
        "reason": "owner of the case",
        field: value,
    }
    with pytest.raises(ValueError, match="audit"):
        audit.record(**arguments)  # type: ignore[arg-type]


def test_the_citizen_sees_only_their_own_cases_records() -> None:
    mixed = audit.chain([entry(1), entry(2, case_id=OTHER_CASE), entry(3)])
    assert [r.seq for r in audit.for_case(mixed, CASE)] == [1, 3]


def test_a_checkpoint_line_round_trips_and_a_forged_one_is_refused() -> None:
    good = Checkpoint(LOG[-1].seq, LOG[-1].hash, T0)
    forged = audit.checkpoint_line(b"x" * 32, Checkpoint(3, LOG[2].hash, T0))
    checkpoints, problems = audit.parse_checkpoints(
        KEY, [audit.checkpoint_line(KEY, good), forged, b"not json"]
    )
    assert checkpoints == [good]
    assert [(p.index, p.kind) for p in problems] == [(2, "anchor_invalid"), (3, "anchor_invalid")]


def test_the_anchor_catches_the_newest_records_deleted_or_rewritten() -> None:
    head = Checkpoint(LOG[-1].seq, LOG[-1].hash, T0)
    assert audit.verify(LOG[:-3]) == [], "on its own, a shortened chain looks intact"
    assert [p.kind for p in audit.verify_anchor(LOG[:-3], head)] == ["truncated"]
    rewritten = [*LOG[:-1], audit.seal(replace(entry(99), actor="cm-9"), LOG[-2])]
    assert audit.verify(rewritten) == [], "a newest record rewritten with a fresh hash"
    assert [p.kind for p in audit.verify_anchor(rewritten, head)] == ["head_mismatch"]
    more = audit.chain([entry(11), entry(12)], after=LOG[-1])
    assert audit.verify_anchor([*LOG, *more], head) == [], "records after the anchor are fine"
