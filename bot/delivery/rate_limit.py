"""Keeping within a messenger's sending limits: N messages in any window, 1 per chat per
interval, and a pause when the messenger itself says "retry after"."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import (
    CopyMessage,
    ForwardMessage,
    Response,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript


class SlidingWindow:
    """At most `limit` starts in any `window` seconds (measured as the sender sees them)."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self.starts: deque[float] = deque()
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """The messenger asked us to wait: nothing starts before then."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def wait_time(self) -> float:
        now = self.clock()
        # The same sum as below, so float rounding cannot let a start both stay and not count.
        while self.starts and self.starts[0] + self.window <= now:
            self.starts.popleft()
        waits = [self.paused_until - now]
        if len(self.starts) >= self.limit:
            waits.append(self.starts[0] + self.window - now)
        return max(0.0, *waits)

    async def acquire(self) -> None:
        while (delay := self.wait_time()) > 0:
            await self.sleep(delay)  # type: ignore[misc]
        self.starts.append(self.clock())

    async def close(self) -> None:
        return None


class RequestWindow(Protocol):
    """Something that lets a request start when the messenger's limit allows."""

    async def acquire(self) -> None: ...

    async def close(self) -> None: ...


class RedisWindow:
    """At most `limit` starts in any `window` seconds, counted in Redis for every process that
    uses `key`: MAX counts all of a bot's requests, whichever process makes them. Redis's own
    clock times them, so hosts whose clocks differ still agree."""

    # Drop starts older than the window; take a place if there is one, else say how long until
    # the oldest start leaves the window.
    SCRIPT = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
    local window = tonumber(ARGV[1])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
    if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
        redis.call('ZADD', KEYS[1], now, ARGV[3])
        redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
        return '0'
    end
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return tostring(tonumber(oldest[2]) + window - now)
    """

    def __init__(self, url: str, key: str, limit: int, window: float) -> None:
        self.url = url
        self.key = key
        self.limit = limit
        self.window = window
        self._redis: Redis | None = None
        self._script: AsyncScript | None = None

    async def acquire(self) -> None:
        if self._redis is None or self._script is None:
            from redis.asyncio import Redis

            self._redis = Redis.from_url(self.url)
            self._script = self._redis.register_script(self.SCRIPT)
        while True:
            member = uuid.uuid4().hex  # one entry a start, even two in the same microsecond
            wait = float(
                await self._script(keys=[self.key], args=[self.window, self.limit, member])
            )
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def close(self) -> None:
        if self._redis is not None:
            redis, self._redis, self._script = self._redis, None, None
            await redis.aclose()


class PerChat:
    """One message per chat per `interval` seconds."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self.last: dict[tuple[str, int], float] = {}

    def wait_time(self, chat: tuple[str, int]) -> float:
        last = self.last.get(chat)
        return 0.0 if last is None else max(0.0, last + self.interval - self.clock())

    def sent(self, chat: tuple[str, int]) -> None:
        now = self.clock()
        self.last[chat] = now
        if len(self.last) > 10_000:  # forget chats that are long ready again
            self.last = {c: t for c, t in self.last.items() if now - t < self.interval}


class SharedSendWindow(BaseRequestMiddleware):
    """Telegram's 30 messages a second count every message of the bot: the handlers' replies
    and the delivery loop's notifications of one process take turns in one window."""

    SENDING = (SendMessage, SendDocument, SendPhoto, CopyMessage, ForwardMessage)

    def __init__(self, window: SlidingWindow) -> None:
        self.window = window

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, self.SENDING):
            await self.window.acquire()
        return await make_request(bot, method)
