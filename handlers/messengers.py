"""Telegram, MAX or both: connecting another messenger by a one-time code, and choosing
where notifications come."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import cancel_button, home_button, set_commands, show_menu
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, typed_text
from models.enums import Messenger
from services import accounts, people
from services.actor import Actor
from services.clock import Clock
from services.i18n import Html, Text

ACCOUNT_PREFIX = "acc-"


class ConnectCode(StatesGroup):
    code = State()


class Notify(CallbackData, prefix="ntf"):
    messenger: Messenger
    on: bool


async def on_messengers(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Which messengers the person uses, and where notifications go."""
    await state.clear()
    await _show_accounts(reply, session, tr, actor.person_id)


async def _show_accounts(reply: Reply, session: AsyncSession, tr: Text, person_id: int) -> None:
    connected = {a.messenger: a for a in await accounts.accounts_of(session, person_id)}
    lines = [tr("accounts-title")]
    rows = []
    for messenger in Messenger:
        name = tr(f"messenger-{messenger.value}")
        account = connected.get(messenger)
        if account is None:
            lines.append(tr("accounts-line-missing", messenger=name))
            continue
        lines.append(
            tr("accounts-line-on" if account.notify else "accounts-line-off", messenger=name)
        )
        label = "btn-accounts-notify-off" if account.notify else "btn-accounts-notify-on"
        rows.append(
            [
                button(
                    tr.label(label, messenger=tr.label(f"messenger-{messenger.value}")),
                    Notify(messenger=messenger, on=not account.notify),
                )
            ]
        )
    if len(connected) < len(Messenger):
        lines.append(tr("accounts-hint"))
        rows.append([button(tr.label("btn-accounts-connect"), Menu(action=Screen.CONNECT))])
    rows.append([home_button(tr)])
    reply.show(Html("\n\n".join(lines)), keyboard(*rows))


async def on_notify(
    _: CallbackQuery,
    callback_data: Notify,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    reply: Reply,
) -> None:
    await accounts.set_notify(session, actor.person_id, callback_data.messenger, callback_data.on)
    await _show_accounts(reply, session, tr, actor.person_id)


async def on_connect_code(
    _: CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, clock: Clock, reply: Reply
) -> None:
    """A code to type in the other messenger."""
    code = await accounts.create_link_code(session, actor.person_id, clock.now())
    reply.show(
        tr("accounts-code", code=code.code, expires=tr.datetime(code.expires_at)),
        keyboard([button(tr.label("btn-back"), Menu(action=Screen.MESSENGERS))]),
    )


async def on_connect(
    _: Message,
    command: CommandObject,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
    clock: Clock,
    messenger: Messenger,
    reply: Reply,
) -> None:
    """`/connect CODE` in the other messenger; a bare `/connect` asks for the code."""
    if not command.args:
        await state.set_state(ConnectCode.code)
        reply.send(tr("accounts-ask-code"), keyboard([cancel_button(tr)]))
        return
    await connect(session, tr, state, clock, messenger, command.args, reply)


async def on_connect_typed(
    message: Message,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
    clock: Clock,
    messenger: Messenger,
    reply: Reply,
) -> None:
    await connect(session, tr, state, clock, messenger, message.text or "", reply)


async def connect(
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
    clock: Clock,
    messenger: Messenger,
    code: str,
    reply: Reply,
) -> None:
    """This account joins the person who was shown the code; the menu is theirs from now."""
    person = await accounts.link_account(session, code, messenger, reply.user_id, clock.now())
    await state.clear()
    actor = await people.load_actor(session, person)
    # From now on the person's own language, not the one this account chose at first contact.
    tr = tr.translator.for_reader(person.language or tr.lang, tr.tz.key, person.id)
    set_commands(reply, tr, person.active_role)
    reply.show(tr("accounts-linked", messenger=tr(f"messenger-{messenger.value}")))
    await show_menu(reply, session, tr, person, actor, below=True)


def setup() -> Router:
    router = Router(name="messengers")
    router.callback_query.filter(only_buttons_of(Menu, Notify))
    router.message.register(on_messengers, Command("messengers"), flags=READ_ONLY)
    router.callback_query.register(
        on_messengers, Menu.filter(F.action == Screen.MESSENGERS), flags=READ_ONLY
    )
    router.callback_query.register(on_notify, Notify.filter())
    router.callback_query.register(on_connect_code, Menu.filter(F.action == Screen.CONNECT))
    router.message.register(on_connect, Command("connect"))
    router.message.register(on_connect_typed, ConnectCode.code, typed_text)
    return router
