"""Last in line: whatever no other handler took gets a clear answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import show_menu
from handlers.reply import Reply
from handlers.start import language_keyboard, role_keyboard
from handlers.ui import READ_ONLY
from models import Person
from services.actor import Actor
from services.i18n import Text


async def on_stale_button(_: CallbackQuery, tr: Text, reply: Reply) -> None:
    """A button from an old screen, or data that no screen of ours produced."""
    reply.alert(tr.label("error-stale-button"))


async def on_unknown_command(
    _: Message, session: AsyncSession, tr: Text, person: Person, actor: Actor, reply: Reply
) -> None:
    """A command we do not have: say so, and show what there is."""
    reply.send(tr("error-unknown-command"))
    await _what_now(session, tr, person, actor, reply)


async def on_anything_else(
    _: Message, session: AsyncSession, tr: Text, person: Person, actor: Actor, reply: Reply
) -> None:
    """Free text, stickers, files where nothing is expected: say what to do, with the menu
    (a newcomer who typed instead of pressing /start gets the first question)."""
    reply.send(tr("error-unexpected-text"))
    await _what_now(session, tr, person, actor, reply)


async def _what_now(
    session: AsyncSession, tr: Text, person: Person, actor: Actor, reply: Reply
) -> None:
    if person.language is None:
        reply.send(tr("start-choose-language"), language_keyboard())
    elif actor.role_set:
        await show_menu(reply, session, tr, person, actor, below=True)
    else:
        reply.send(tr("start-choose-role"), role_keyboard(tr))


def setup() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(on_stale_button, flags=READ_ONLY)
    router.message.register(on_unknown_command, F.text.startswith("/"), flags=READ_ONLY)
    router.message.register(on_anything_else, flags=READ_ONLY)
    return router
