"""The delivery loop: outbox rows → rendered text → messenger, within the messenger's limits,
urgent first, quiet at night, and never losing a row.

One sender sends one message at a time: a crash can then repeat at most the one message that
was on the wire, which is the promise the outbox makes (each row is marked sent right after it
went out). Throughput comes from not waiting on anything else: the rate limiter allows the
messenger's limit, the next row is already claimed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.limits import Limits, in_quiet_hours, quiet_until
from bot.delivery.rate_limit import PerChat, SlidingWindow
from bot.delivery.senders import Buttons, Sender, SendFailed
from bot.text_split import split_html
from models.enums import Priority
from services import outbox
from services.clock import Clock
from services.i18n import Text, Translator

logger = logging.getLogger(__name__)
LinkButtons = Callable[[dict[str, Any], Text], Buttons | None]


class Deliverer:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        translator: Translator,
        senders: Mapping[str, Sender],
        clock: Clock,
        default_timezone: str,
        *,
        limits: Limits | None = None,
        links: LinkButtons | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.session_factory = session_factory
        self.translator = translator
        self.senders = senders
        self.clock = clock
        self.default_timezone = default_timezone
        self.limits = limits or Limits()
        self.links = links
        self.sleep = sleep
        self.windows = {
            name: SlidingWindow(
                self.limits.rates.get(name, self.limits.rate), self.limits.window, monotonic, sleep
            )
            for name in senders
        }
        self.chats = PerChat(self.limits.chat_interval, monotonic)

    async def start(self) -> int:
        """Take back rows a previous (crashed) sender had claimed; they go out again."""
        async with self.session_factory() as session:
            released = await outbox.release_claims(session, self.clock.now())
            await session.commit()
        if released:
            logger.warning(
                "%s notifications were being sent when the last sender stopped", released
            )
        return released

    async def deliver_due(self) -> int:
        """Deliver one batch of due notifications; returns how many were delivered."""
        async with self.session_factory() as session:
            claimed = await outbox.claim_due(session, self.clock.now(), self.limits.batch)
            await session.commit()
        delivered = 0
        waiting = list(claimed)
        while waiting:
            # Whoever's chats are ready goes first; the rest wait for their chat's pace.
            ready = next((i for i in waiting if self._chat_wait(i) == 0), None)
            if ready is None:
                await self.sleep(min(self._chat_wait(i) for i in waiting))
                continue
            waiting.remove(ready)
            delivered += await self._deliver(ready)
        return delivered

    def _chat_wait(self, item: outbox.Outgoing) -> float:
        return max((self.chats.wait_time(chat) for chat in item.chats), default=0.0)

    def _reader(self, item: outbox.Outgoing) -> Text:
        return self.translator.for_reader(
            item.language, item.timezone or self.default_timezone, item.person_id
        )

    async def _deliver(self, item: outbox.Outgoing) -> int:
        tr = self._reader(item)
        now = self.clock.now()
        start, end = item.quiet or (self.limits.quiet_start, self.limits.quiet_end)
        if item.priority != Priority.URGENT and in_quiet_hours(
            now.astimezone(tr.tz).time(), start, end
        ):
            await self._finish(outbox.postpone, item.id, quiet_until(now, tr.tz, end))
            return 0
        text = tr.render(item.kind, item.params)
        buttons = self.links(item.link, tr) if item.link and self.links else None
        chats = [(m, c) for m, c in item.chats if m in self.senders]
        failure: SendFailed | None = None
        sent = 0
        for messenger, chat_id in chats:
            try:
                await self._send(messenger, chat_id, text, buttons)
                sent += 1
            except SendFailed as exc:
                failure = exc
                if exc.retry_after:
                    self.windows[messenger].pause(exc.retry_after)
                if exc.unreachable:
                    await self._finish(
                        outbox.mark_unreachable, messenger, chat_id, self.clock.now()
                    )
        now = self.clock.now()
        if sent:
            await self._finish(outbox.mark_sent, item.id, now)
        elif not chats:
            await self._finish(
                outbox.mark_failed,
                item.id,
                now,
                "no reachable account",
                attempts=item.attempts,
                permanent=True,
            )
        else:
            assert failure is not None
            logger.warning("notification %s not delivered: %s", item.id, failure)
            await self._finish(
                outbox.mark_failed,
                item.id,
                now,
                str(failure),
                attempts=item.attempts,
                permanent=failure.permanent or failure.unreachable,
                retry_after=failure.retry_after,
            )
        return 1 if sent else 0

    async def _send(self, messenger: str, chat_id: int, text: str, buttons: Buttons | None) -> None:
        sender = self.senders[messenger]
        pieces = split_html(text, sender.text_limit)
        for n, piece in enumerate(pieces):
            if n:  # the pieces of one long message keep the chat's pace too
                await self.sleep(self.chats.wait_time((messenger, chat_id)))
            await self.windows[messenger].acquire()
            self.chats.sent((messenger, chat_id))
            await sender.send_text(chat_id, piece, buttons if n == len(pieces) - 1 else None)

    async def _finish(
        self, action: Callable[..., Awaitable[None]], *args: Any, **kwargs: Any
    ) -> None:
        async with self.session_factory() as session:
            await action(session, *args, **kwargs)
            await session.commit()

    async def run_forever(self, interval: float) -> None:
        await self.start()
        while True:
            try:
                delivered = await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("delivery loop failed; retrying")
                delivered = 0
            if not delivered:
                await self.sleep(interval)
