"""Async SQLAlchemy engine and sessions: SQLite embedded by default, PostgreSQL in production.

One transaction per HTTP request and per consumed batch: `async with sessions.begin() as s:`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic_core import to_json
from sqlalchemy import JSON, DateTime, Dialect, MetaData, Table, TextClause, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names that are the same on SQLite and PostgreSQL, so migrations match."""


def new_metadata() -> MetaData:
    """A MetaData with the project's naming convention (one per service, one for the kit)."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """An async engine; for SQLite, WAL mode and real transactions (see below)."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, echo=echo, connect_args={"timeout": 30}, hide_parameters=True
        )
        _make_sqlite_transactional(engine)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        connect_args=_loopback_without_tls(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # Error messages must not quote the values of a statement (names, BSN, addresses):
        # they end up in logs and dead letters.
        hide_parameters=True,
    )


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _loopback_without_tls(url: str) -> dict[str, Any]:
    """No TLS to a PostgreSQL on this machine unless the URL asks for it (`?ssl=...`).

    asyncpg's default (`prefer`) negotiates TLS whenever the server offers it, which Debian's
    does with a snake-oil certificate: on loopback that protects nothing and costs every round
    trip. A remote server keeps asyncpg's default; production sets `?ssl=verify-full`.
    """
    parsed = make_url(url)
    if parsed.host in _LOOPBACK and "ssl" not in parsed.query and "sslmode" not in parsed.query:
        return {"ssl": False}
    return {}


def _make_sqlite_transactional(engine: AsyncEngine) -> None:
    # Python's sqlite3 driver defers BEGIN until the first write, so a read-then-write is not
    # one transaction and two writers can deadlock on the lock upgrade. Take the driver's
    # transaction handling away and begin IMMEDIATE: writers queue (busy_timeout) instead.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory; objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database cannot answer a trivial query."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _server_connection(url: str) -> Any:
    """An asyncpg connection to the maintenance database of the server a URL points at."""
    import asyncpg

    u = make_url(url)
    return await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database="postgres"
    )


async def create_database(url: str) -> None:
    """Create the PostgreSQL database that `url` names (tests, benchmarks, provisioning)."""
    name = make_url(url).database
    conn = await _server_connection(url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_database(url: str, attempts: int = 10) -> bool:
    """Drop the PostgreSQL database that `url` names; False if it could not be dropped.

    `WITH (FORCE)` ends our own sessions in it, but not an autovacuum worker (a superuser
    process), so a refusal is retried for a while.
    """
    import asyncio

    import asyncpg

    name = make_url(url).database
    conn = await _server_connection(url)
    try:
        for attempt in range(attempts):
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return True
            except asyncpg.InsufficientPrivilegeError:
                await asyncio.sleep(0.5 * (attempt + 1))
        return False
    finally:
        await conn.close()


class AwareDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware in Python, stored in UTC.

    PostgreSQL keeps the zone (`timestamptz`); SQLite has no zone and hands back naive values,
    which this type reads as the UTC they were written in. Naive values are refused on write.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes; store in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Timezone-aware, UTC when the database gave none."""
        if value is None:
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)


async def insert_rows(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert many rows (all with the same keys) in one statement, in their order.

    On PostgreSQL each column travels as one array (`unnest`), so a thousand rows cost one set
    of parameters instead of a thousand that SQLAlchemy processes one by one; the columns' own
    conversions (JSON, aware timestamps) still apply, and `None` is SQL NULL. Elsewhere an
    ordinary executemany.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        await session.execute(insert(table), list(rows))
        return
    columns: dict[str, list[Any]] = {}
    for name in rows[0]:
        values = [row[name] for row in rows]
        # A column that is NULL in every row and has no server default is left out: the
        # table fills in the same NULL without the array being sent.
        if any(v is not None for v in values) or table.c[name].server_default is not None:
            columns[name] = values
    if not columns:  # nothing but NULLs and defaults: nothing to send as arrays
        await session.execute(insert(table), list(rows))
        return
    statement, converters = _unnest_insert(table, tuple(columns), dialect)
    params = {
        f"c{i}": [convert(v) for v in values] if convert is not None else values
        for i, (values, convert) in enumerate(zip(columns.values(), converters, strict=True))
    }
    await session.execute(statement, params)


@lru_cache(maxsize=256)
def _unnest_insert(
    table: Table, names: tuple[str, ...], dialect: Dialect
) -> tuple[TextClause, tuple[Callable[[Any], Any] | None, ...]]:
    """The INSERT … SELECT FROM unnest(…) for these columns, and how each value is converted."""
    arrays: list[str] = []
    selected: list[str] = []
    converters: list[Callable[[Any], Any] | None] = []
    for i, name in enumerate(names):
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            arrays.append(f"CAST(:c{i} AS TEXT[])")
            selected.append(f"CAST(u.c{i} AS {column_type.compile(dialect)})")
            converters.append(_json_or_null)
            continue
        convert: Callable[[Any], Any] | None = None
        if isinstance(column_type, TypeDecorator):
            decorator = column_type

            def convert(value: Any, _type: TypeDecorator[Any] = decorator) -> Any:
                return _type.process_bind_param(value, dialect)

            column_type = column_type.impl_instance
        arrays.append(f"CAST(:c{i} AS {column_type.compile(dialect)}[])")
        selected.append(f"u.c{i}")
        converters.append(convert)
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    quote = dialect.identifier_preparer
    columns = ", ".join(quote.quote(name) for name in names)
    # Only the table's own (quoted) names and compiled types go into the text; values are bound.
    sql = (
        f"INSERT INTO {quote.format_table(table)} ({columns}) SELECT {', '.join(selected)} "  # noqa: S608
        f"FROM unnest({', '.join(arrays)}) WITH ORDINALITY AS u({aliases}, n) ORDER BY u.n"
    )
    return text(sql), tuple(converters)


def _json_or_null(value: Any) -> str | None:
    # pydantic-core's serialiser (Rust) is several times faster than json.dumps here.
    return None if value is None else to_json(value).decode()
