"""Last in line: whatever no other handler took gets a clear answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from services.i18n import Text

router = Router(name="fallback")


@router.callback_query()
async def on_stale_button(_: CallbackQuery, tr: Text, callback_answer: CallbackAnswer) -> None:
    """A button from an old screen, or data that no screen of ours produced."""
    callback_answer.text = tr("error-stale-button")
    callback_answer.show_alert = True


@router.message(F.text.startswith("/"))
async def on_unknown_command(message: Message, tr: Text) -> None:
    await message.answer(tr("error-unknown-command"))


@router.message()
async def on_anything_else(message: Message, tr: Text) -> None:
    """Free text, stickers, files where nothing is expected."""
    await message.answer(tr("error-unexpected-text"))
