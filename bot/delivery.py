"""The delivery loop: outbox rows → rendered text → messenger, never losing a row."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.senders import Sender, SendFailed
from services import outbox
from services.clock import Clock
from services.i18n import Translator

logger = logging.getLogger(__name__)


class Deliverer:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        translator: Translator,
        senders: Mapping[str, Sender],
        clock: Clock,
        default_timezone: str,
        *,
        batch_size: int = 30,
    ) -> None:
        self.session_factory = session_factory
        self.translator = translator
        self.senders = senders
        self.clock = clock
        self.default_timezone = default_timezone
        self.batch_size = batch_size

    async def deliver_due(self) -> int:
        """Deliver one batch of due notifications; returns how many were delivered."""
        async with self.session_factory() as session:
            claimed = await outbox.claim_due(session, self.clock.now(), self.batch_size)
            await session.commit()
        delivered = 0
        for item in claimed:
            delivered += await self._deliver(item)
        return delivered

    async def _deliver(self, item: outbox.Outgoing) -> int:
        text = self.translator.for_reader(
            item.language, item.timezone or self.default_timezone
        ).render(item.kind, item.params)
        chats = [(m, c) for m, c in item.chats if m in self.senders]
        failure: SendFailed | None = None
        sent = 0
        for messenger, chat_id in chats:
            try:
                await self.senders[messenger].send_text(chat_id, text)
                sent += 1
            except SendFailed as exc:
                failure = exc
                if exc.unreachable:
                    async with self.session_factory() as session:
                        await outbox.mark_unreachable(session, messenger, chat_id, self.clock.now())
                        await session.commit()
        async with self.session_factory() as session:
            now = self.clock.now()
            if sent:
                await outbox.mark_sent(session, item.id, now)
            elif not chats:
                await outbox.mark_failed(
                    session,
                    item.id,
                    now,
                    "no reachable account",
                    attempts=item.attempts,
                    permanent=True,
                )
            else:
                assert failure is not None
                logger.warning("notification %s not delivered: %s", item.id, failure)
                await outbox.mark_failed(
                    session,
                    item.id,
                    now,
                    str(failure),
                    attempts=item.attempts,
                    permanent=failure.permanent or failure.unreachable,
                    retry_after=failure.retry_after,
                )
            await session.commit()
        return 1 if sent else 0

    async def run_forever(self, interval: float) -> None:
        while True:
            try:
                delivered = await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("delivery loop failed; retrying")
                delivered = 0
            if not delivered:
                await asyncio.sleep(interval)
