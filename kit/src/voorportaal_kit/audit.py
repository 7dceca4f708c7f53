"""The access audit log (NEN 7513-style): who read or changed what, and whether it was allowed.

Each record names who acted (subject id and role), on behalf of whom, which case and which
kind of data (and the object's id, e.g. a document), for which purpose, whether it was a read
or a change, whether it was allowed, on which basis or why not, and when. Records hold **ids
and codes only**: `record` refuses values that look like names, e-mail addresses or free text.

The log is tamper-evident: records are numbered from 1 and each one's hash is SHA-256 over
the previous record's hash and the record's canonical serialisation (which includes that
previous hash). `verify` recomputes the chain and reports every modified, deleted, inserted or
reordered record. Deleting records from the *end* leaves a valid shorter chain, and so does
rewriting the newest record with a fresh hash; an anchor kept outside the database catches
both: a `Checkpoint` of the head (its number and hash, with an HMAC under a key the database
does not hold), and `verify_anchor` checks that the anchored record is still there, unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

GENESIS: Final = "0" * 64
"""The `prev_hash` of the first record."""

_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9:_.\-]{0,127}")
_CODE: Final = re.compile(r"[a-z][a-z0-9_.:\-]{0,63}")
_HASH: Final = re.compile(r"[0-9a-f]{64}")
MAX_REASON_LENGTH: Final = 200


class AuditAction(StrEnum):
    """What was done with the data."""

    READ = "read"
    CHANGE = "change"


class AuditOutcome(StrEnum):
    """Whether it was allowed."""

    ALLOWED = "allowed"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry of the access log. `seq`, `prev_hash` and `hash` are set by `chain`."""

    at: datetime
    actor: str
    """Subject id of who acted (never their name)."""
    role: str
    case_id: str
    data_kind: str
    purpose: str
    action: AuditAction
    outcome: AuditOutcome
    basis: str
    """The sharing decision's basis (`owner`, `grant:<id>` …) or `none`."""
    reason: str
    """The decision's reason: fixed texts from the rules, never input."""
    on_behalf_of: str | None = None
    """Id of whom the actor acted for (a mandate, an agency, the citizen's case)."""
    object_id: str | None = None
    """Id of the object touched, e.g. a document's content hash."""
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""


def _require(
    pattern: re.Pattern[str], value: str | None, name: str, *, optional: bool = False
) -> None:
    if value is None and optional:
        return
    if value is None or not pattern.fullmatch(value):
        raise ValueError(f"audit field {name} must be an id or code, not a value")


def record(
    *,
    at: datetime,
    actor: str,
    role: str,
    case_id: str,
    data_kind: str,
    purpose: str,
    action: AuditAction,
    allowed: bool,
    basis: str,
    reason: str,
    on_behalf_of: str | None = None,
    object_id: str | None = None,
) -> AuditRecord:
    """A new, not yet chained record; refuses anything but ids, codes and the fixed reason."""
    if at.tzinfo is None:
        raise ValueError("audit time must include a timezone")
    _require(_ID, actor, "actor")
    _require(_CODE, role, "role")
    _require(_ID, case_id, "case_id")
    _require(_CODE, data_kind, "data_kind")
    _require(_CODE, purpose, "purpose")
    _require(_CODE, basis, "basis")
    _require(_ID, on_behalf_of, "on_behalf_of", optional=True)
    _require(_ID, object_id, "object_id", optional=True)
    if (
        not reason
        or len(reason) > MAX_REASON_LENGTH
        or "@" in reason
        or any(c.isdigit() for c in reason)
    ):
        # Reasons come from the sharing rules; digits or '@' would mean a value slipped in.
        raise ValueError("audit reason must be a fixed rule text")
    return AuditRecord(
        at=at.astimezone(UTC),
        actor=actor,
        role=role,
        case_id=case_id,
        data_kind=data_kind,
        purpose=purpose,
        action=AuditAction(action),
        outcome=AuditOutcome.ALLOWED if allowed else AuditOutcome.REFUSED,
        basis=basis,
        reason=reason,
        on_behalf_of=on_behalf_of,
        object_id=object_id,
    )


_FIELD_NAMES: Final = tuple(f.name for f in fields(AuditRecord))
_OPTIONAL: Final = frozenset({"on_behalf_of", "object_id"})


def _plain(record: AuditRecord) -> dict[str, Any]:
    data = asdict(record)
    data["at"] = record.at.astimezone(UTC).isoformat(timespec="microseconds")
    data["action"] = record.action.value
    data["outcome"] = record.outcome.value
    return data


def canonical(record: AuditRecord) -> bytes:
    """The bytes a record's hash covers: every field but `hash`, as sorted compact JSON."""
    data = _plain(record)
    del data["hash"]
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def compute_hash(record: AuditRecord) -> str:
    """SHA-256 over the previous hash and the record's canonical form."""
    digest = hashlib.sha256()
    digest.update(record.prev_hash.encode("ascii", "replace"))
    digest.update(b"\n")
    digest.update(canonical(record))
    return digest.hexdigest()


def seal(new: AuditRecord, previous: AuditRecord | None) -> AuditRecord:
    """`new` as the record after `previous` (None: the first): numbered, linked and hashed."""
    seq = previous.seq + 1 if previous else 1
    prev_hash = previous.hash if previous else GENESIS
    linked = replace(new, seq=seq, prev_hash=prev_hash, hash="")
    return replace(linked, hash=compute_hash(linked))


def chain(records: Iterable[AuditRecord], after: AuditRecord | None = None) -> list[AuditRecord]:
    """Seal records in order, continuing after `after` (the current head) if given."""
    out: list[AuditRecord] = []
    previous = after
    for item in records:
        previous = seal(item, previous)
        out.append(previous)
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the chain, at a position of the given list."""

    index: int
    seq: int | None
    kind: str
    """`modified`, `broken_link`, `sequence`, `truncated`, `head_mismatch`, `anchor_invalid`
    or `anchor_missing`."""
    detail: str


def verify(
    records: Sequence[AuditRecord],
    *,
    expected_head: str | None = None,
    expected_count: int | None = None,
    start_after: AuditRecord | None = None,
) -> list[Problem]:
    """Every problem in the chain (empty when intact), in list order.

    `start_after` verifies a slice that continues a known-good record; `expected_head` and
    `expected_count` compare the last hash and the number of records with an anchor kept
    elsewhere, which catches records deleted from the end.
    """
    problems: list[Problem] = []
    prev_hash = start_after.hash if start_after else GENESIS
    expected_seq = start_after.seq + 1 if start_after else 1
    for index, item in enumerate(records):
        if item.hash != compute_hash(item):
            problems.append(
                Problem(index, item.seq, "modified", "the record's hash does not match its content")
            )
        if item.prev_hash != prev_hash:
            problems.append(
                Problem(
                    index, item.seq, "broken_link", "the record does not follow the one before it"
                )
            )
        if item.seq != expected_seq:
            problems.append(
                Problem(
                    index, item.seq, "sequence", f"expected record {expected_seq}, found {item.seq}"
                )
            )
        prev_hash = item.hash
        expected_seq = item.seq + 1
    last_seq = records[-1].seq if records else (start_after.seq if start_after else 0)
    if expected_count is not None and last_seq != expected_count:
        problems.append(
            Problem(
                len(records),
                None,
                "truncated",
                f"expected {expected_count} records, found {last_seq}",
            )
        )
    if expected_head is not None and prev_hash != expected_head:
        problems.append(
            Problem(len(records), None, "head_mismatch", "the last hash is not the anchored head")
        )
    return problems


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head as it stood at `at`: what is kept outside the database (the anchor)."""

    seq: int
    hash: str
    at: datetime


def _checkpoint_body(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "at": checkpoint.at.astimezone(UTC).isoformat(timespec="microseconds"),
    }


def _mac(key: bytes, body: dict[str, Any]) -> str:
    message = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def checkpoint_line(key: bytes, checkpoint: Checkpoint) -> bytes:
    """A checkpoint as one JSON line, with its HMAC-SHA256 under `key`."""
    body = _checkpoint_body(checkpoint)
    line = json.dumps({**body, "mac": _mac(key, body)}, sort_keys=True, separators=(",", ":"))
    return line.encode() + b"\n"


def parse_checkpoints(key: bytes, lines: Iterable[bytes]) -> tuple[list[Checkpoint], list[Problem]]:
    """The checkpoints whose HMAC is right, and a problem for every line that is not one."""
    checkpoints: list[Checkpoint] = []
    problems: list[Problem] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            body = {"seq": data["seq"], "hash": data["hash"], "at": data["at"]}
            valid = (
                type(body["seq"]) is int
                and isinstance(body["hash"], str)
                and bool(_HASH.fullmatch(body["hash"]))
                and isinstance(data["mac"], str)
                and hmac.compare_digest(data["mac"], _mac(key, body))
            )
            at = datetime.fromisoformat(body["at"])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            problems.append(
                Problem(number, None, "anchor_invalid", f"checkpoint line {number} is not genuine")
            )
            continue
        checkpoints.append(Checkpoint(body["seq"], body["hash"], at))
    return checkpoints, problems


def verify_anchor(records: Sequence[AuditRecord], anchor: Checkpoint) -> list[Problem]:
    """Whether the anchored record is still in the chain as it was when it was the head.

    Records appended after the anchor are fine (the rest of `verify` checks their links); a
    log that ends before the anchored record lost its newest records, and an anchored record
    with another hash was rewritten (with everything after it).
    """
    last = records[-1].seq if records else 0
    if last < anchor.seq:
        return [
            Problem(
                len(records),
                None,
                "truncated",
                f"the log ends at record {last}, but record {anchor.seq} was its head at "
                f"{anchor.at.isoformat()}",
            )
        ]
    found = next((r for r in records if r.seq == anchor.seq), None)
    if found is None or found.hash != anchor.hash:
        return [
            Problem(
                len(records),
                anchor.seq,
                "head_mismatch",
                f"record {anchor.seq} is not the one anchored at {anchor.at.isoformat()}",
            )
        ]
    return []


def encode(record: AuditRecord) -> bytes:
    """A record as stored bytes (canonical JSON including its hash)."""
    return json.dumps(
        _plain(record), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode()


def decode(raw: bytes) -> AuditRecord:
    """A record from `encode`'s bytes; anything that is not exactly canonical is refused,
    so a byte changed in storage either fails here or shows up in `verify`."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("audit record is not JSON") from exc
    if not isinstance(data, dict) or set(data) != set(_FIELD_NAMES):
        raise ValueError("audit record has other fields than expected")
    if type(data["seq"]) is not int:
        raise ValueError("audit record seq is not a number")
    for name in _FIELD_NAMES:
        value = data[name]
        if name != "seq" and not (isinstance(value, str) or (value is None and name in _OPTIONAL)):
            raise ValueError(f"audit record field {name} has the wrong type")
    try:
        parsed = AuditRecord(
            **{
                **data,
                "at": datetime.fromisoformat(data["at"]),
                "action": AuditAction(data["action"]),
                "outcome": AuditOutcome(data["outcome"]),
            }
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"audit record is malformed: {exc}") from exc
    if encode(parsed) != raw:
        raise ValueError("audit record is not in canonical form")
    if not _HASH.fullmatch(parsed.hash):
        raise ValueError("audit record hash is not SHA-256 hex")
    return parsed


def for_case(records: Iterable[AuditRecord], case_id: str) -> list[AuditRecord]:
    """The records about one case (what the citizen sees as "who looked at my dossier")."""
    return [r for r in records if r.case_id == case_id]
