"""Webhook mode: Telegram's secret checked, updates handled, health answered."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.max import SECRET_HEADER
from bot.settings import Settings
from bot.webhook import HEALTH_PATH, build_webhook_app
from models import Account, Person
from models.enums import Messenger
from sandbox.max_state import MaxMessenger
from tests.max_client import MAX_TOKEN, serve_max

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
        assert health.status == 200
        assert (await health.json()) == {"ok": True}
    async with session_factory() as s:
        assert await s.scalar(select(Person)) is not None


MAX_SECRET = "max-s3cret"


async def test_max_webhook_checks_its_secret_and_handles_each_update_once(
    db_url, bot, clock, session_factory
):
    """MAX posts its updates beside Telegram's, with its own secret header; MAX redelivers
    until it gets a 200, and a repeat does nothing."""
    state = MaxMessenger(MAX_TOKEN, clock=clock)
    state.add_user(5001, "Ира")
    runner, url = await serve_max(state)
    settings = Settings(
        _env_file=None,
        database_url=db_url,  # type: ignore[call-arg]
        max_bot_token=MAX_TOKEN,
        max_api_base_url=url,
        max_webhook_secret=MAX_SECRET,
    )
    try:
        app = build_webhook_app(settings, bot=bot, clock=clock)
        async with TestClient(TestServer(app)) as client:
            state.start(5001)  # the person opens the bot: MAX's bot_started update
            started = state.updates[-1][1]
            refused = await client.post(settings.max_webhook_path, json=started)
            assert refused.status == 401
            forged = await client.post(
                settings.max_webhook_path,
                json=started,
                headers={SECRET_HEADER: "wrong-one"},
            )
            assert forged.status == 401
            assert [m for m in state.messages(5001) if m.outgoing] == []

            for _ in range(2):
                ok = await client.post(
                    settings.max_webhook_path, json=started, headers={SECRET_HEADER: MAX_SECRET}
                )
                assert ok.status == 200
            replies = [m for m in state.messages(5001) if m.outgoing]
            assert len(replies) == 1, "a redelivered update is not handled twice"
            assert "Выберите язык" in (replies[0].raw_text or "")
            assert state.bot["commands"], "the command list is set at startup, as when polling"

            broken = await client.post(
                settings.max_webhook_path, data=b"not json", headers={SECRET_HEADER: MAX_SECRET}
            )
            assert broken.status == 400
    finally:
        await state.close()
        await runner.cleanup()
    async with session_factory() as s:
        person = await s.scalar(
            select(Person).join(Account).where(Account.messenger == Messenger.MAX)
        )
        assert person is not None
