"""Exactly one active worker: the others wait and take over when it dies.

On PostgreSQL the worker holds a session-level advisory lock on its own connection: the
server releases it the moment that connection (the process) dies. On SQLite, where all
processes share one machine, an exclusive lock on a file next to the database does the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from models.db import is_sqlite

logger = logging.getLogger(__name__)
# Any constant shared by all workers of the deployment; "SCHL" in ASCII.
LOCK_KEY = 0x5343484C
CHECK_SECONDS = 5.0


@contextlib.asynccontextmanager
async def leadership(url: str, *, retry_seconds: float = 2.0) -> AsyncIterator[asyncio.Event]:
    """Wait until this process is the only worker; yields an event set if leadership is lost
    (the lock's connection died), on which the worker must stop."""
    lost = asyncio.Event()
    if is_sqlite(url):
        async with _file_lock(_lock_path(url), retry_seconds):
            yield lost
        return
    engine = create_async_engine(url, poolclass=NullPool)
    conn = await engine.connect()
    try:
        waited = False
        while not await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}):
            if not waited:
                logger.info("another worker is active; waiting to take over")
                waited = True
            await asyncio.sleep(retry_seconds)
        await conn.commit()
        logger.info("this worker is active")
        watch = asyncio.create_task(_watch(conn, lost))
        try:
            yield lost
        finally:
            watch.cancel()
            with contextlib.suppress(Exception):
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
    finally:
        with contextlib.suppress(Exception):
            await conn.close()
        await engine.dispose()


async def _watch(conn: object, lost: asyncio.Event) -> None:
    """If the lock's connection breaks, the lock is gone: say so, so the worker stops."""
    while True:
        await asyncio.sleep(CHECK_SECONDS)
        try:
            await conn.execute(text("SELECT 1"))  # type: ignore[attr-defined]
            await conn.commit()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001  (whatever broke, the lock is gone)
            logger.error("lost the worker lock's connection; stopping")
            lost.set()
            return


def _lock_path(url: str) -> Path:
    database = make_url(url).database or "memory"
    return Path(f"{database}.worker.lock")


@contextlib.asynccontextmanager
async def _file_lock(path: Path, retry_seconds: float) -> AsyncIterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    logger.info("another worker is active; waiting to take over")
                    waited = True
                await asyncio.sleep(retry_seconds)
        logger.info("this worker is active")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
