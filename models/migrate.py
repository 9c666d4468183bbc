"""Bring a database to the newest schema (used by `python -m bot migrate` and on start)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import create_engine, is_sqlite

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migration_engine(url: str | None = None) -> AsyncEngine:
    """The engine migrations run on; the bare alembic CLI names its database in DATABASE_URL
    (`make migration` passes the bot's own)."""
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set: which database should alembic use?")
    return create_engine(url, foreign_keys=False)


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url`; on SQLite, check foreign keys afterwards."""
    engine = migration_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_upgrade, revision)
            if is_sqlite(url):
                broken = (await conn.execute(text("PRAGMA foreign_key_check"))).fetchall()
                if broken:
                    raise RuntimeError(f"foreign key check failed after migration: {broken[:5]}")
            await conn.commit()
    finally:
        await engine.dispose()
