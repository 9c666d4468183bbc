"""Periodic jobs. Each tick derives what is due from the database and queues it under keys
that name the occasion, so the scheduler keeps nothing of its own: no job store to lose, none
to share between processes (which runs jobs twice), and a restart simply ticks again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from services import agreements, digests, groups, jobmarks, message_refs, reminders, updates
from services.clock import Clock

logger = logging.getLogger(__name__)
TICK_SECONDS = 60


class Jobs:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.clock = clock
        self.rules = settings.reminder_rules()

    async def tick(self) -> list[str]:
        """Everything that may have come due since the last tick, each in its own transaction.
        Returns the steps that failed (the next tick tries them again)."""
        s = self.settings
        now = self.clock.now
        steps: list[tuple[str, Callable[[AsyncSession], Awaitable[object]]]] = [
            (
                "lesson reminders",
                lambda db: self._since_last(
                    db, "lesson_reminders", reminders.queue_lesson_reminders
                ),
            ),
            (
                "attendance reminders",
                lambda db: self._since_last(db, "roll_reminders", reminders.queue_roll_reminders),
            ),
            (
                "consent deadlines",
                lambda db: reminders.process_consent_deadlines(db, now(), self.rules),
            ),
            (
                "agreement deadlines",
                lambda db: agreements.process_agreement_deadlines(db, now()),
            ),
            ("small groups", lambda db: groups.queue_undersized_warnings(db, now())),
            (
                "coordinator digests",
                lambda db: digests.queue_coordinator_digests(db, now(), s.digest_time),
            ),
            (
                "admin summaries",
                lambda db: digests.queue_admin_summaries(
                    db, now(), s.digest_time, s.default_timezone
                ),
            ),
            ("forget old updates", lambda db: updates.forget_old(db, now())),
            ("forget old message numbers", lambda db: message_refs.forget_old(db, now())),
        ]
        failed = []
        for name, step in steps:
            try:
                async with self.session_factory() as session:
                    await step(session)
                    await session.commit()
            except Exception:
                logger.exception("scheduled job %r failed; the next tick tries again", name)
                failed.append(name)
        return failed

    async def _since_last(
        self, session: AsyncSession, name: str, job: Callable[..., Awaitable[int]]
    ) -> int:
        """Run a job over what came due since its last run, then move its mark, in one
        transaction: a crash before the commit leaves the mark where it was."""
        now = self.clock.now()
        since = await jobmarks.since(session, name, now, reminders.LOOKBACK)
        queued = await job(session, now, self.rules, since)
        await jobmarks.advance(session, name, now)
        return queued


def create_scheduler(jobs: Jobs, timezone: str) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=timezone)
    # Ticks that were missed (the loop was busy, the machine slept) are one tick, not many:
    # what they would have found is found by the next one anyway.
    scheduler.add_job(
        jobs.tick,
        "interval",
        seconds=TICK_SECONDS,
        id="tick",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=TICK_SECONDS,
    )
    return scheduler
