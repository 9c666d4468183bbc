"""Keeping within a messenger's sending limits: N messages in any window, 1 per chat per
interval, and a pause when the messenger itself says "retry after"."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
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


# While a request is under way its place is held; when it ends, the place is held a window
# longer. The messenger receives a request somewhere between its start and its end, so a
# place counted until the end covers it however late it arrives (a new connection, a busy
# machine); counted from the start only, a burst could reach the messenger bunched up.
POLL_IN_FLIGHT = 0.005  # seconds between looks when every place is held by a running request


class SlidingWindow:
    """At most `limit` requests in any `window` seconds (measured as the sender sees them)."""

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
        self.in_flight = 0
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
        if len(self.starts) + self.in_flight >= self.limit:
            waits.append(self.starts[0] + self.window - now if self.starts else POLL_IN_FLIGHT)
        return max(0.0, *waits)

    async def acquire(self) -> None:
        """A place for a request counted from now (a message the sender just hands over)."""
        while (delay := self.wait_time()) > 0:
            await self.sleep(delay)  # type: ignore[misc]
        self.starts.append(self.clock())

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """A place held while the request runs and for a window after it ended."""
        while (delay := self.wait_time()) > 0:
            await self.sleep(delay)  # type: ignore[misc]
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self.starts.append(self.clock())

    async def close(self) -> None:
        return None


class RequestWindow(Protocol):
    """Something that lets a request start when the messenger's limit allows, and holds its
    place until it has ended."""

    def request(self) -> AbstractAsyncContextManager[None]: ...

    async def close(self) -> None: ...


class RedisWindow:
    """At most `limit` requests in any `window` seconds, counted in Redis for every process
    that uses `key`: MAX counts all of a bot's requests, whichever process makes them. Redis's
    own clock times them, so hosts whose clocks differ still agree."""

    # A running request's place is scored as if it ended IN_FLIGHT seconds from now (a process
    # that dies mid-request frees it then); when it ends, it is scored with the end.
    IN_FLIGHT = 60.0
    # Drop places whose time is past the window; take one if there is one, else say how long
    # until the oldest leaves the window.
    TAKE = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
    local window = tonumber(ARGV[1])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
    if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
        redis.call('PEXPIRE', KEYS[1], math.ceil((window + tonumber(ARGV[4])) * 1000))
        return '0'
    end
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return tostring(math.max(tonumber(oldest[2]) + window - now, 0.001))
    """
    # The request has ended: its place counts from now.
    DONE = """
    local t = redis.call('TIME')
    redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) + tonumber(t[2]) / 1000000, ARGV[1])
    return 0
    """

    def __init__(self, url: str, key: str, limit: int, window: float) -> None:
        self.url = url
        self.key = key
        self.limit = limit
        self.window = window
        self._redis: Redis | None = None
        self._scripts: tuple[AsyncScript, AsyncScript] | None = None

    def _ready(self) -> tuple[AsyncScript, AsyncScript]:
        if self._scripts is None:
            from redis.asyncio import Redis

            self._redis = Redis.from_url(self.url)
            self._scripts = (
                self._redis.register_script(self.TAKE),
                self._redis.register_script(self.DONE),
            )
        return self._scripts

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        take, done = self._ready()
        member = uuid.uuid4().hex  # one entry a request, even two in the same microsecond
        while True:
            args: list[str | float] = [self.window, self.limit, member, self.IN_FLIGHT]
            wait = float(await take(keys=[self.key], args=args))
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        try:
            yield
        finally:
            await done(keys=[self.key], args=[member])

    async def close(self) -> None:
        if self._redis is not None:
            redis, self._redis, self._scripts = self._redis, None, None
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
        if not isinstance(method, self.SENDING):
            return await make_request(bot, method)
        async with self.window.request():
            return await make_request(bot, method)  # type: ignore[arg-type]  # narrowed above
