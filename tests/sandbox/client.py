"""A persona driven through the sandbox's JSON API, the way a script would drive it."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from sandbox.runner import SANDBOX_TOKEN


class ApiPersona:
    def __init__(self, http: aiohttp.ClientSession, persona_id: int) -> None:
        self.http = http
        self.id = persona_id
        self.revision = -1

    async def chat(self, wait: float = 0) -> dict[str, Any]:
        async with self.http.get(
            f"/api/personas/{self.id}/chat",
            params={"after_revision": self.revision, "wait": wait} if wait else {},
        ) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def send(self, text: str, *, reply: bool = True) -> dict[str, Any]:
        """Send text; returns the bot's first reply (or, with reply=False, the sent message)."""
        async with self.http.post(
            f"/api/personas/{self.id}/messages", json={"text": text}
        ) as response:
            assert response.status == 201, await response.text()
            sent = (await response.json())["message"]
        if not reply:
            return sent
        async with self.http.get(
            f"/api/personas/{self.id}/wait", params={"after": sent["id"], "timeout": 10}
        ) as response:
            news = await response.json()
        assert not news["timed_out"], f"no reply to {text!r}"
        return news["messages"][0]

    async def press(self, button: str | None = None, **body: Any) -> dict[str, Any]:
        if button is not None:
            body["button"] = button
        async with self.http.post(f"/api/personas/{self.id}/press", json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def wait_for(self, text: str, timeout: float = 10) -> dict[str, Any]:
        """The newest bot message containing `text`, waiting for new messages and edits."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            chat = await self.chat()
            self.revision = chat["revision"]
            for message in reversed(chat["messages"]):
                if message["from"] == "bot" and text in message.get("text", ""):
                    return message
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                last = chat["messages"][-1:] if chat["messages"] else []
                raise AssertionError(f"{text!r} never arrived; last message: {last}")
            await self.chat(wait=min(left, 2.0))

    async def last(self) -> dict[str, Any]:
        return (await self.chat())["messages"][-1]


async def bot_api(
    http: aiohttp.ClientSession, method: str, **params: object
) -> tuple[int, dict[str, object]]:
    """Call the fake Bot API as a bot would (form fields; objects as JSON strings)."""
    async with http.post(f"/bot{SANDBOX_TOKEN}/{method}", data=params) as response:
        return response.status, await response.json()


async def persona_named(http: aiohttp.ClientSession, name: str) -> ApiPersona:
    async with http.get("/api/personas") as response:
        people = (await response.json())["personas"]
    return ApiPersona(http, next(p["id"] for p in people if p["name"] == name))
