"""Engine and session factory; SQLite is tuned for one process with concurrent writers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 15_000
# Execution options of a transaction that only reads: on SQLite it begins deferred (no write
# lock) and refuses writes; on PostgreSQL it is READ ONLY. A write in it is a bug, not a wait.
READ_ONLY: dict[str, Any] = {"read_only": True, "postgresql_readonly": True}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False, foreign_keys: bool = True) -> AsyncEngine:
    """Create the engine; on SQLite turn on WAL, foreign keys and BEGIN IMMEDIATE.

    `foreign_keys=False` is only for migrations: SQLite rebuilds a table to alter it, and
    dropping the old copy with foreign keys on would cascade into other tables.
    """
    if not is_sqlite(url):
        return create_async_engine(url, echo=echo, pool_pre_ping=True)

    sqlite_url = make_url(url)
    if sqlite_url.database and sqlite_url.database != ":memory:":
        Path(sqlite_url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo)
    _tune_sqlite(engine, foreign_keys=foreign_keys)
    return engine


def _tune_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so that we can emit BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("read_only"):
            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql("PRAGMA query_only=ON")
            return
        # A deferred transaction that reads and then writes fails at once with "database is
        # locked" when another writer got there first, because SQLite cannot upgrade its read
        # snapshot. Taking the write lock up front makes concurrent writers queue on
        # busy_timeout instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(sync_engine, "commit")
    @event.listens_for(sync_engine, "rollback")
    def _on_end(conn: Any) -> None:
        if conn.get_execution_options().get("read_only"):
            conn.exec_driver_sql("PRAGMA query_only=OFF")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
