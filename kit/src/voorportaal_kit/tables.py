"""The kit's own tables, created in every service's database by its first migration, and
the factory of each service's audit log table (created by that service's own migration)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    text,
)

from voorportaal_kit.db import AwareDateTime, new_metadata

kit_metadata = new_metadata()

# BIGINT on PostgreSQL; SQLite only auto-increments a column declared INTEGER PRIMARY KEY.
_BigId = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "outbox",
    kit_metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("topic", String(255), nullable=False),
    Column("message_key", String(64), nullable=False),
    Column("event_type", String(128), nullable=False),
    Column("headers", Text, nullable=False),
    Column("value", LargeBinary, nullable=True),  # null: a tombstone
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    comment="Transactional outbox: events written with the state change, published by the relay.",
)
# The relay only ever reads unsent rows in id order; keep that index small.
Index(
    "ix_outbox_unsent",
    outbox.c.id,
    postgresql_where=text("sent_at IS NULL"),
    sqlite_where=text("sent_at IS NULL"),
)

inbox = Table(
    "inbox",
    kit_metadata,
    Column("consumer", String(128), primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("event_type", String(128), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
    comment="Idempotent inbox: ids of events a consumer has applied, written with the effects.",
)


def audit_table(metadata: MetaData, name: str) -> Table:
    """A service's append-only, hash-chained access log (`voorportaal_kit.audit_log`): one row
    per record, its canonical bytes (with the chain) in `record`, and copies of the ids it is
    queried by. `name` is `<service>_audit_log`; `migrations.create_audit_table` makes it."""
    stem = name.removesuffix("_log")
    return Table(
        name,
        metadata,
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("at", AwareDateTime(), nullable=False),
        Column("actor", String(128), nullable=False),
        Column("case_id", String(128), nullable=False),
        Column("outcome", String(16), nullable=False),
        Column("record", Text, nullable=False, comment="Canonical JSON with prev_hash and hash"),
        Index(f"ix_{stem}_case", "case_id"),
        Index(f"ix_{stem}_actor", "actor"),
        comment="Append-only and hash-chained (NEN 7513); ids only, never personal data",
    )


def case_access_table(metadata: MetaData, name: str) -> Table:
    """What a service knows of each case's owner, team, queue, grants and mandates
    (`voorportaal_kit.case_access`), folded from `case.events`; `name` is
    `<service>_case_access`, made by `migrations.create_case_access_table`."""
    return Table(
        name,
        metadata,
        Column("case_id", String(64), primary_key=True),
        Column("access", JSON, nullable=False, comment="CaseAccess: ids and codes only"),
        Column("updated_at", AwareDateTime(), nullable=False),
        comment="Who may see the case: owner, team, queue, grants, mandates (from case.events)",
    )
