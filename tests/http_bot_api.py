"""A Bot API over real HTTP that counts what it receives, enforces Telegram's flood limits
and can be told to fail: for the sender's crash test and the broadcast benchmark."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class HttpBotApi:
    per_second: int | None = None  # messages per second per bot; None: no limit
    per_chat_interval: float | None = None  # seconds between two messages to one chat
    delivered: list[tuple[float, int, str]] = field(default_factory=list)
    refused_429: int = 0
    # What to answer the next sendMessage calls with instead of success: status codes, or
    # "timeout" to hang longer than a client waits.
    faults: deque[int | str] = field(default_factory=deque)
    _recent: deque[float] = field(default_factory=deque)
    _last_per_chat: dict[int, float] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    port: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def per_chat(self) -> Counter[int]:
        return Counter(chat for _, chat, _ in self.delivered)

    def worst_second(self) -> int:
        times = sorted(t for t, _, _ in self.delivered)
        worst, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 1.0:
                start += 1
            worst = max(worst, end - start + 1)
        return worst

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        form = dict(await request.post())
        if method == "getme":
            return _ok({"id": 42, "is_bot": True, "first_name": "Bot", "username": "net_bot"})
        if method == "getupdates":
            await asyncio.sleep(min(float(form.get("timeout", 0) or 0), 1.0))
            return _ok([])
        if method != "sendmessage":
            return _ok(True)
        return await self._send_message(form)

    async def _send_message(self, form: dict[str, Any]) -> web.Response:
        now = time.monotonic()
        chat = int(form["chat_id"])
        if self.faults:
            fault = self.faults.popleft()
            if fault == "timeout":
                await asyncio.sleep(3)  # longer than the client waits
            return web.json_response(
                {
                    "ok": False,
                    "error_code": fault,
                    "description": f"fault {fault}",
                    **({"parameters": {"retry_after": 1}} if fault == 429 else {}),
                },
                status=int(fault),
            )
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        last = self._last_per_chat.get(chat)
        too_fast = (self.per_second is not None and len(self._recent) >= self.per_second) or (
            self.per_chat_interval is not None
            and last is not None
            and now - last < self.per_chat_interval
        )
        if too_fast:
            self.refused_429 += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        self._recent.append(now)
        self._last_per_chat[chat] = now
        self.delivered.append((now, chat, str(form.get("text", ""))))
        self.arrived.set()
        return _ok(
            {
                "message_id": len(self.delivered),
                "date": 1_700_000_000,
                "chat": {"id": chat, "type": "private"},
                "text": form.get("text", ""),
            }
        )


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})
