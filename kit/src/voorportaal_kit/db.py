"""Async SQLAlchemy engine and sessions: SQLite embedded by default, PostgreSQL in production.

One transaction per HTTP request and per consumed batch: `async with sessions.begin() as s:`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    TextClause,
    Uuid,
    event,
    insert,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.selectable import TextualSelect
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
    of parameters instead of a thousand that SQLAlchemy processes one by one. What is stored
    is what an ordinary insert stores: the columns' own conversions run (JSON, a
    TypeDecorator's bind step), `None` in a JSON column is JSON null unless the column says
    `none_as_null`, and lengths are enforced (values go as unbounded text and the INSERT's own
    assignment checks them). Tables or columns this does not cover (other column types,
    Python-side defaults for columns not given, keys that differ from names) and other
    databases get an ordinary executemany.
    """
    await _insert(session, table, rows, skip_existing=False)


async def insert_new_rows(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> set[Any]:
    """`insert_rows`, leaving out rows whose primary key is already there (inserted by another
    transaction meanwhile, say); returns the primary keys it inserted. The table's primary key
    is one column."""
    return await _insert(session, table, rows, skip_existing=True)


async def _insert(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]], *, skip_existing: bool
) -> set[Any]:
    if not rows:
        return set()
    dialect = session.get_bind().dialect
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    for name, values in list(columns.items()):
        # NULL in every row, in a column that would get NULL anyway: the array is not sent.
        if all(v is None for v in values) and _null_when_left_out(table.c[name]):
            del columns[name]
    plan = None
    if dialect.name == "postgresql" and columns:
        plan = _unnest_insert(table, tuple(columns), dialect, skip_existing)
    if plan is None:
        if not skip_existing:
            await session.execute(insert(table), list(rows))
            return set()
        (pk,) = table.primary_key.columns
        dialect_insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
        skipping = dialect_insert(table).on_conflict_do_nothing().returning(pk)
        return set((await session.scalars(skipping, list(rows))).all())
    statement, converters = plan
    params = {
        f"c{i}": [convert(v) for v in values] if convert is not None else values
        for i, (values, convert) in enumerate(zip(columns.values(), converters, strict=True))
    }
    result = await session.execute(statement, params)
    return set(result.scalars().all()) if skip_existing else set()


def _null_when_left_out(column: Column[Any]) -> bool:
    if column.server_default is not None or column.default is not None:
        return False
    return not isinstance(column.type, JSON) or column.type.none_as_null


_ARRAY_TYPES: dict[type[Any], str] = {
    String: "TEXT",  # unbounded: a cast to VARCHAR(n)[] would cut long values instead of refusing
    Integer: "INTEGER",
    BigInteger: "BIGINT",
    Boolean: "BOOLEAN",
    Uuid: "UUID",
    LargeBinary: "BYTEA",
}
"""Column types `insert_rows` sends as arrays (subclasses too: Text is a String), by their
PostgreSQL element type. DateTime and JSON are handled on their own."""


@lru_cache(maxsize=256)
def _unnest_insert(
    table: Table, names: tuple[str, ...], dialect: Dialect, skip_existing: bool = False
) -> tuple[TextClause | TextualSelect, tuple[Callable[[Any], Any] | None, ...]] | None:
    """The INSERT … SELECT FROM unnest(…) for these columns and how each value is converted,
    or None when an ordinary insert must do it."""
    given = set(names)
    if any(c.key not in given and c.default is not None for c in table.columns):
        return None  # a Python-side default only an ordinary insert applies
    arrays: list[str] = []
    selected: list[str] = []
    converters: list[Callable[[Any], Any] | None] = []
    for i, key in enumerate(names):
        column = table.c[key]
        if column.name != key:
            return None
        column_type: Any = column.type
        convert: Callable[[Any], Any] | None = None
        if isinstance(column_type, TypeDecorator):
            decorator = column_type

            def convert(value: Any, _type: TypeDecorator[Any] = decorator) -> Any:
                return _type.process_bind_param(value, dialect)

            column_type = column_type.impl_instance
        if isinstance(column_type, JSON) and convert is None:
            arrays.append(f"CAST(:c{i} AS TEXT[])")
            selected.append(f"CAST(u.c{i} AS {column_type.compile(dialect)})")
            converters.append(_json_or_null if column_type.none_as_null else _json)
            continue
        if isinstance(column_type, DateTime):
            element = "TIMESTAMP WITH TIME ZONE" if column_type.timezone else "TIMESTAMP"
        else:
            element = next(
                (pg for kind, pg in _ARRAY_TYPES.items() if isinstance(column_type, kind)), ""
            )
            if not element or isinstance(column_type, SAEnum):
                return None
        arrays.append(f"CAST(:c{i} AS {element}[])")
        selected.append(f"u.c{i}")
        converters.append(convert)
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    quote = dialect.identifier_preparer
    columns = ", ".join(quote.quote(name) for name in names)
    # Only the table's own (quoted) names and fixed type names go into the text; values are bound.
    sql = (
        f"INSERT INTO {quote.format_table(table)} ({columns}) SELECT {', '.join(selected)} "  # noqa: S608
        f"FROM unnest({', '.join(arrays)}) WITH ORDINALITY AS u({aliases}, n) ORDER BY u.n"
    )
    if skip_existing:
        (pk,) = table.primary_key.columns
        sql += f" ON CONFLICT DO NOTHING RETURNING {quote.quote(pk.name)}"
        return text(sql).columns(pk), tuple(converters)
    return text(sql), tuple(converters)


def _json(value: Any) -> str:
    # json.dumps's rules (what an ordinary insert uses), so SQLite and PostgreSQL refuse alike.
    return json.dumps(value)


def _json_or_null(value: Any) -> str | None:
    return None if value is None else json.dumps(value)
