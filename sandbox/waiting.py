"""Waiting on a fake messenger's memory: long polls, the page's live updates and tests sleep
until something they look for has happened, woken by every change rather than polling."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable


class Changes:
    """A signal every change fires; waiters check whether what they wait for has happened."""

    def __init__(self) -> None:
        self.closed = False
        self._event = asyncio.Event()

    def changed(self) -> None:
        """Wake every waiter."""
        self._event.set()
        self._event = asyncio.Event()

    def close(self) -> None:
        """Nothing will change any more: every waiter returns now."""
        self.closed = True
        self.changed()

    async def wait_until(self, done: Callable[[], bool], seconds: float) -> bool:
        """Wait up to `seconds` until `done()`; returns whether it is."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not done():
            left = deadline - loop.time()
            if left <= 0 or self.closed:
                return done()
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), left)
        return True
