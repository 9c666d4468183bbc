"""Webhook mode: Telegram's secret checked, updates handled, health answered."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.settings import Settings
from bot.webhook import HEALTH_PATH, build_webhook_app
from models import Person

SECRET = "s3cret-token_1"


def _update(update_id: int, text: str = "/start") -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": 555, "type": "private"},
            "from": {"id": 555, "is_bot": False, "first_name": "Ира"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_checks_the_secret_and_handles_updates(
    db_url, bot, telegram, clock, session_factory
):
    telegram.known_chats.add(555)
    settings = Settings(
        _env_file=None,
        database_url=db_url,  # type: ignore[call-arg]
        webhook_secret=SECRET,
    )
    app = build_webhook_app(settings, bot=bot, clock=clock)
    async with TestClient(TestServer(app)) as client:
        refused = await client.post(settings.webhook_path, json=_update(1))
        assert refused.status == 401
        forged = await client.post(
            settings.webhook_path,
            json=_update(2),
            headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
        )
        assert forged.status == 401
        assert telegram.messages(555) == []

        ok = await client.post(
            settings.webhook_path,
            json=_update(3),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert ok.status == 200
        assert "Выберите язык" in telegram.last(555).text
        again = await client.post(
            settings.webhook_path,
            json=_update(3),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert again.status == 200
        assert len(telegram.messages(555)) == 1, "a redelivered update is not handled twice"

        health = await client.get(HEALTH_PATH)
        assert health.status == 200 and (await health.json()) == {"ok": True}
    async with session_factory() as s:
        assert await s.scalar(select(Person)) is not None
