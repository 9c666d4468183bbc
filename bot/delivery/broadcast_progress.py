"""The progress message of each running broadcast, edited in place as delivery goes.

A periodic job (every few seconds, in whichever process runs the scheduler) counts each
unfinished broadcast's outbox rows by state and edits the author's message when the count
changed, at most once per MIN_INTERVAL per broadcast; the final edit says it is done and the
broadcast is not looked at again. What was shown is kept in the database, so a restarted
worker neither repeats an edit nor loses track.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.broadcasts import audience_text, progress_text
from models import Broadcast, Organisation
from services import broadcasts
from services.clock import Clock
from services.i18n import Translator

logger = logging.getLogger(__name__)
TICK_SECONDS = 3
MIN_INTERVAL = timedelta(seconds=3)


class BroadcastProgress:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        bots: Mapping[str, Bot],
        translator: Translator,
        clock: Clock,
        default_timezone: str,
        *,
        min_interval: timedelta = MIN_INTERVAL,
    ) -> None:
        self.session_factory = session_factory
        self.bots = bots  # by messenger: the progress message is where its author wrote
        self.translator = translator
        self.clock = clock
        self.default_timezone = default_timezone
        self.min_interval = min_interval

    async def tick(self) -> int:
        """Edit the progress messages that are due; returns how many were edited."""
        async with self.session_factory() as session:
            running = await broadcasts.unfinished(session)
            await session.commit()
        edited = 0
        for broadcast, language, timezone in running:
            try:
                edited += await self._update(broadcast.id, language, timezone)
            except Exception:
                logger.exception("progress of broadcast %s not updated", broadcast.id)
        return edited

    async def _update(self, broadcast_id: int, language: str | None, timezone: str | None) -> int:
        now = self.clock.now()
        async with self.session_factory() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            if (
                broadcast is None
                or broadcast.finished_at is not None
                or (broadcast.progress_at and now - broadcast.progress_at < self.min_interval)
            ):
                return 0
            counts = await broadcasts.progress(session, broadcast)
            if counts.shown == broadcast.progress_shown and not counts.finished:
                await session.commit()
                return 0
            org = await session.get(Organisation, broadcast.org_id) if broadcast.org_id else None
            tr = self.translator.for_reader(language, timezone or self.default_timezone)
            audience = audience_text(tr, broadcasts.stored_audience(broadcast), org)
            chat_id, message_id = broadcast.progress_chat_id, broadcast.progress_message_id
            bot = self.bots.get(broadcast.progress_messenger)
            await session.commit()
        assert chat_id is not None
        assert message_id is not None
        if bot is None:  # that messenger is not served any more
            await self._give_up(broadcast_id, now)
            return 0
        text = progress_text(tr, audience, counts)
        if not await self._edit(bot, broadcast_id, chat_id, message_id, text, now):
            return 0
        async with self.session_factory() as session:
            await broadcasts.mark_shown(session, broadcast_id, counts, now)
            await session.commit()
        return 1

    async def _edit(
        self, bot: Bot, broadcast_id: int, chat_id: int, message_id: int, text: str, now: datetime
    ) -> bool:
        """Show `text` in the progress message; whether it is shown there now."""
        try:
            await bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)
        except TelegramRetryAfter:
            return False  # the next tick tries again
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return True
            # Deleted, or too old to edit: nothing more can be shown there.
            logger.warning("progress message of broadcast %s: %s", broadcast_id, exc.message)
            await self._give_up(broadcast_id, now)
            return False
        except TelegramForbiddenError:
            await self._give_up(broadcast_id, now)
            return False
        return True

    async def _give_up(self, broadcast_id: int, now: datetime) -> None:
        async with self.session_factory() as session:
            await broadcasts.give_up_progress(session, broadcast_id, now)
            await session.commit()


def schedule(scheduler: AsyncIOScheduler, updater: BroadcastProgress) -> None:
    """A job of its own beside the minute tick: progress wants seconds, not minutes."""
    scheduler.add_job(
        updater.tick,
        "interval",
        seconds=TICK_SECONDS,
        id="broadcast_progress",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=TICK_SECONDS,
    )
