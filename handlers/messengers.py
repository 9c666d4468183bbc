"""Telegram, MAX or both: connecting another messenger by a one-time code, and choosing
where notifications come."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import Menu, set_commands, show_menu
from handlers.ui import button, keyboard, show, typed_text
from models.enums import Messenger
from services import accounts, people
from services.clock import Clock
from services.i18n import Text
from services.people import Actor

router = Router(name="messengers")

ACCOUNT_PREFIX = "acc-"


class ConnectCode(StatesGroup):
    code = State()


class Notify(CallbackData, prefix="ntf"):
    messenger: Messenger
    on: bool


@router.message(Command("messengers"))
@router.callback_query(Menu.filter(F.action == "messengers"))
async def on_messengers(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """Which messengers the person uses, and where notifications go."""
    await _show_accounts(event, session, tr, actor.person_id)


async def _show_accounts(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, person_id: int
) -> None:
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
            [button(tr(label, messenger=name), Notify(messenger=messenger, on=not account.notify))]
        )
    if len(connected) < len(Messenger):
        lines.append(tr("accounts-hint"))
        rows.append([button(tr("btn-accounts-connect"), Menu(action="connect"))])
    rows.append([button(tr("btn-menu"), Menu(action="home"))])
    await show(event, "\n\n".join(lines), keyboard(*rows))


@router.callback_query(Notify.filter())
async def on_notify(
    query: CallbackQuery, callback_data: Notify, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    await accounts.set_notify(session, actor.person_id, callback_data.messenger, callback_data.on)
    await _show_accounts(query, session, tr, actor.person_id)


@router.callback_query(Menu.filter(F.action == "connect"))
async def on_connect_code(
    query: CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, clock: Clock
) -> None:
    """A code to type in the other messenger."""
    code = await accounts.create_link_code(session, actor.person_id, clock.now())
    await show(
        query,
        tr(
            "accounts-code",
            code=code.code,
            expires=tr.datetime(code.expires_at),
        ),
        keyboard([button(tr("btn-back"), Menu(action="messengers"))]),
    )


@router.message(Command("connect"))
async def on_connect(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    messenger: Messenger,
) -> None:
    """`/connect CODE` in the other messenger; a bare `/connect` asks for the code."""
    if not command.args:
        await state.set_state(ConnectCode.code)
        await message.answer(tr("accounts-ask-code"))
        return
    await connect(message, session, tr, state, clock, bot, messenger, command.args)


@router.message(ConnectCode.code, typed_text)
async def on_connect_typed(
    message: Message,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    messenger: Messenger,
) -> None:
    await connect(message, session, tr, state, clock, bot, messenger, message.text or "")


async def connect(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    messenger: Messenger,
    code: str,
) -> None:
    """This account joins the person who was shown the code; the menu is theirs from now."""
    person = await accounts.link_account(session, code, messenger, event.from_user.id, clock.now())
    await state.clear()
    actor = await people.load_actor(session, person)
    # From now on the person's own language, not the one this account chose at first contact.
    tr = tr.translator.for_reader(person.language or tr.lang, tr.tz.key)
    await set_commands(bot, event.from_user.id, tr, person.active_role)
    await show(event, tr("accounts-linked", messenger=tr(f"messenger-{messenger.value}")))
    message = event.message if isinstance(event, CallbackQuery) else event
    if isinstance(message, Message):
        await show_menu(message, session, tr, person, actor)
