"""Periodic jobs: each tick derives what is due from the database, so nothing is kept in the
scheduler itself (no job store to lose or to run twice) and a restart simply ticks again."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from services.clock import Clock
from services.digests import queue_absence_digests

logger = logging.getLogger(__name__)
TICK_SECONDS = 300


class Jobs:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.clock = clock

    async def digests(self) -> None:
        async with self.session_factory() as session:
            queued = await queue_absence_digests(
                session, self.clock.now(), self.settings.absence_digest_time
            )
            await session.commit()
        if queued:
            logger.info("queued %s absence digests", queued)


def create_scheduler(jobs: Jobs, timezone: str) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=timezone)
    # A missed tick is simply the next one: coalesce, and never run two at once.
    scheduler.add_job(
        jobs.digests,
        "interval",
        seconds=TICK_SECONDS,
        id="digests",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=TICK_SECONDS,
    )
    return scheduler
