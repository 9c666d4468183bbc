"""A person's own data (152-FZ): what is kept (/privacy), all of it as a file, or deleted."""

from __future__ import annotations

import json

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of
from models import Person
from models.enums import Role
from services import people, privacy
from services.actor import Actor
from services.clock import Clock
from services.i18n import Text
from services.names import Named


class DataExport(CallbackData, prefix="myd"):
    id: int


class DataDelete(CallbackData, prefix="mydel"):
    id: int
    confirm: bool = False


async def on_privacy(_: Message, tr: Text, reply: Reply) -> None:
    """What the bot stores, why, for how long, and who sees it."""
    reply.send(tr("privacy"), keyboard([home_button(tr)]))


async def on_my_data(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    reply: Reply,
) -> None:
    """A file with everything stored about oneself, or about a linked child."""
    rows = [
        [button(tr.label("btn-export-mine"), DataExport(id=person.id))],
        [button(tr.label("btn-delete-mine"), DataDelete(id=person.id))],
    ]
    if actor.has(Role.PARENT):
        for child in await people.children_of(session, person.id):
            rows.append(
                [
                    button(
                        tr.label("btn-export-child", child=Named.of(child)),
                        DataExport(id=child.id),
                    )
                ]
            )
            rows.append(
                [
                    button(
                        tr.label("btn-delete-child", child=Named.of(child)),
                        DataDelete(id=child.id),
                    )
                ]
            )
    rows.append([home_button(tr)])
    reply.show(tr("export-choose"), keyboard(*rows))


async def on_export(
    _: CallbackQuery,
    callback_data: DataExport,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    data = await privacy.export(session, actor, callback_data.id, clock.now())
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    reply.document(body, "personal-data.json", caption=tr("export-caption"))


async def on_delete_ask(
    _: CallbackQuery,
    callback_data: DataDelete,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """What deletion destroys, what stays without a name, and that it cannot be undone."""
    await privacy.check_can_delete(session, actor, callback_data.id, clock.now())
    reply.show(
        tr("delete-ask"),
        keyboard(
            [button(tr.label("btn-delete-yes"), DataDelete(id=callback_data.id, confirm=True))],
            [button(tr.label("btn-cancel"), Menu(action=Screen.MYDATA))],
        ),
    )


async def on_delete(
    _: CallbackQuery,
    callback_data: DataDelete,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    deleted = await privacy.delete_person(session, actor, callback_data.id, clock.now())
    reply.show(tr("delete-done", count=deleted.withdrawn))


def setup() -> Router:
    router = Router(name="privacy")
    router.callback_query.filter(only_buttons_of(Menu, DataExport, DataDelete))
    router.message.register(on_privacy, Command("privacy"), flags=READ_ONLY)
    router.message.register(on_my_data, Command("mydata"), flags=READ_ONLY)
    router.callback_query.register(
        on_my_data, Menu.filter(F.action == Screen.MYDATA), flags=READ_ONLY
    )
    router.callback_query.register(on_export, DataExport.filter())
    router.callback_query.register(on_delete_ask, DataDelete.filter(~F.confirm), flags=READ_ONLY)
    router.callback_query.register(on_delete, DataDelete.filter(F.confirm))
    return router
