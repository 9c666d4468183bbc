"""Keeping within a messenger's sending limits: N messages in any window, 1 per chat per
interval, and a pause when the messenger itself says "retry after"."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable


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
