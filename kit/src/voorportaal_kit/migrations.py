"""Alembic per service: each service has `migrations/` in its package; this runs them.

A service's `migrations/env.py` is two lines: import its metadata and call `run_env(...)`.
The kit's own tables (outbox, inbox) are created by each service's first revision through
`create_kit_tables()`, a frozen copy of their first shape, as a migration must be.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from voorportaal_kit.db import AwareDateTime, create_engine
from voorportaal_kit.tables import kit_metadata


def alembic_config(script_location: Path, url: str) -> Config:
    """An Alembic config for one service's migrations and database."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(script_location: Path, url: str, revision: str = "heads") -> None:
    """Bring a database to `revision` (blocking; from async code use `asyncio.to_thread`).

    `heads`: revisions written side by side on separate branches (each revising the same
    parent) all apply, so two changes to one service's schema merge without a merge
    revision; the next revision after them names both as its parents."""
    command.upgrade(alembic_config(script_location, url), revision)


def downgrade(script_location: Path, url: str, revision: str) -> None:
    """Take a database back to `revision`."""
    command.downgrade(alembic_config(script_location, url), revision)


def run_env(service_metadata: MetaData) -> None:
    """The body of every service's `env.py`."""
    target = [kit_metadata, service_metadata]
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    if context.is_offline_mode():
        context.configure(
            url=url,
            target_metadata=target,
            literal_binds=True,
            render_as_batch=url.startswith("sqlite"),
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run_async())


def create_kit_tables() -> None:
    """Create the outbox and inbox tables (their first shape; later changes get revisions)."""
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "outbox",
        sa.Column("id", big_id, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("message_key", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["id"],
        postgresql_where=sa.text("sent_at IS NULL"),
        sqlite_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(128), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )


def drop_kit_tables() -> None:
    """Undo `create_kit_tables`."""
    op.drop_table("inbox")
    op.drop_index("ix_outbox_unsent", table_name="outbox")
    op.drop_table("outbox")


def create_audit_table(name: str) -> None:
    """Create a service's audit log table (`tables.audit_table`'s first shape)."""
    stem = name.removesuffix("_log")
    op.create_table(
        name,
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("case_id", sa.String(128), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
    )
    op.create_index(f"ix_{stem}_case", name, ["case_id"])
    op.create_index(f"ix_{stem}_actor", name, ["actor"])


def drop_audit_table(name: str) -> None:
    """Undo `create_audit_table`."""
    op.drop_table(name)


def create_case_access_table(name: str) -> None:
    """Create a service's case access table (`tables.case_access_table`'s first shape)."""
    op.create_table(
        name,
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("access", sa.JSON(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )


def drop_case_access_table(name: str) -> None:
    """Undo `create_case_access_table`."""
    op.drop_table(name)
