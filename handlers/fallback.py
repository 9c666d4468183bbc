"""Last in line: whatever no other handler took gets a clear answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from handlers.reply import Reply
from handlers.ui import READ_ONLY
from services.i18n import Text


async def on_stale_button(_: CallbackQuery, tr: Text, reply: Reply) -> None:
    """A button from an old screen, or data that no screen of ours produced."""
    reply.alert(tr.label("error-stale-button"))


async def on_unknown_command(_: Message, tr: Text, reply: Reply) -> None:
    reply.send(tr("error-unknown-command"))


async def on_anything_else(_: Message, tr: Text, reply: Reply) -> None:
    """Free text, stickers, files where nothing is expected."""
    reply.send(tr("error-unexpected-text"))


def setup() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(on_stale_button, flags=READ_ONLY)
    router.message.register(on_unknown_command, F.text.startswith("/"), flags=READ_ONLY)
    router.message.register(on_anything_else, flags=READ_ONLY)
    return router
