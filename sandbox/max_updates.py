"""How the fake MAX hands updates to the bot: a queue read by long polling (`GET /updates`,
where a marker confirms what came before it), or, while a webhook subscription exists, a push
of each update to every subscribed URL (with the subscription's secret header)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from typing import Any

import aiohttp

from sandbox.max_records import Subscription
from sandbox.waiting import Changes

logger = logging.getLogger(__name__)


class UpdateQueue:
    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.subscriptions: list[Subscription] = []
        self.deliveries: list[dict[str, Any]] = []  # webhook pushes: url, update, status
        self.updates: list[tuple[int, dict[str, Any]]] = []  # (marker, update), oldest first
        self._markers = itertools.count(1)
        self._next_marker = 1
        self._read_below = 1  # updates below this marker were confirmed by a later /updates
        self._pushes: set[asyncio.Task[None]] = set()

    def enqueue(self, update: dict[str, Any]) -> None:
        if self.subscriptions:
            for subscription in self.subscriptions:
                wanted = subscription.update_types
                if not wanted or update["update_type"] in wanted:
                    self._push(subscription, update)
            return
        marker = next(self._markers)
        self.updates.append((marker, update))
        self._next_marker = marker + 1
        self.changes.changed()

    async def get_updates(
        self, marker: int | None, limit: int, poll_seconds: float, types: set[str] | None
    ) -> dict[str, Any]:
        """Long polling: a marker confirms every update below it; without one, the updates not
        yet confirmed. Waits up to `poll_seconds` (the request's timeout) for the first;
        `marker` in the answer is the one to pass next."""
        if marker is not None:
            self._read_below = max(self._read_below, marker)
            self.updates = [(m, u) for m, u in self.updates if m >= self._read_below]
        start = self._read_below

        def pending() -> list[tuple[int, dict[str, Any]]]:
            return [
                (m, u)
                for m, u in self.updates
                if m >= start and (not types or u["update_type"] in types)
            ]

        await self.changes.wait_until(lambda: bool(pending()), poll_seconds)
        batch = pending()[:limit]
        next_marker = batch[-1][0] + 1 if batch else self._next_marker
        return {"updates": [u for _, u in batch], "marker": next_marker}

    async def close(self) -> None:
        """Stop the pushes still on their way."""
        for task in list(self._pushes):
            task.cancel()
        for task in list(self._pushes):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _push(self, subscription: Subscription, update: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(subscription, update))
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    async def _deliver(self, subscription: Subscription, update: dict[str, Any]) -> None:
        headers = {"X-Max-Bot-Api-Secret": subscription.secret} if subscription.secret else {}
        delivery: dict[str, Any] = {"url": subscription.url, "update": update, "status": None}
        self.deliveries.append(delivery)
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
                session.post(subscription.url, json=update, headers=headers) as response,
            ):
                delivery["status"] = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            delivery["status"] = f"failed: {type(exc).__name__}"
            logger.info("MAX webhook push to %s failed: %s", subscription.url, exc)
        self.changes.changed()
