"""First contact: language, role, registration; invite and parent-link deep links."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import Menu, set_commands, show_menu
from handlers.messengers import ACCOUNT_PREFIX, connect
from handlers.ui import button, keyboard, show, typed_text
from models import Person
from models.enums import Messenger, Role
from services import people
from services.clock import Clock
from services.errors import DomainError
from services.i18n import LANGUAGES, Text, Translator
from services.people import Actor

router = Router(name="start")

INVITE_PREFIX = "inv-"
PARENT_PREFIX = "par-"
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


class Lang(CallbackData, prefix="lang"):
    code: str


class PickRole(CallbackData, prefix="reg"):
    role: Role


class PickOrg(CallbackData, prefix="rorg"):
    org_id: int


class PickGrade(CallbackData, prefix="rgr"):
    grade: int


class LinkCode(StatesGroup):
    """Waiting for the code a child shows to a parent."""

    code = State()


class Registration(StatesGroup):
    org = State()
    grade = State()
    student_name = State()
    parent_name = State()
    staff_name = State()


def language_keyboard():
    return keyboard([button(name, Lang(code=code)) for code, name in LANGUAGE_NAMES.items()])


@router.message(CommandStart())
async def on_start(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    messenger: Messenger,
) -> None:
    """Greet, ask the language first; a deep link carries an invite or a parent code."""
    await state.clear()
    payload = (command.args or "").strip()
    if payload:
        await state.update_data(payload=payload)
    if person.language is None:
        await message.answer(tr("start-choose-language"), reply_markup=language_keyboard())
        return
    await _continue(message, session, tr, person, actor, state, clock, bot, messenger)


@router.message(Command("language"))
@router.callback_query(Menu.filter(F.action == "language"))
async def on_language_menu(event: Message | CallbackQuery, tr: Text) -> None:
    """Choose the language of the bot."""
    await show(event, tr("start-choose-language"), language_keyboard())


@router.callback_query(Lang.filter())
async def on_language(
    query: CallbackQuery,
    callback_data: Lang,
    session: AsyncSession,
    tr: Text,
    translator: Translator,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    messenger: Messenger,
) -> None:
    """Remember the language, then go on where the person was."""
    people.set_language(person, callback_data.code, LANGUAGES)
    tr = translator.for_reader(callback_data.code, tr.tz.key)
    await set_commands(bot, query.from_user.id, tr, person.active_role)
    await _continue(query, session, tr, person, actor, state, clock, bot, messenger)


async def _continue(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    messenger: Messenger,
) -> None:
    """After the language: act on a deep link if one came, else register or show the menu."""
    payload = (await state.get_data()).get("payload", "")
    await state.update_data(payload="")
    refused = False
    try:
        if payload.startswith(INVITE_PREFIX):
            await _accept_invite(event, session, tr, person, state, clock, bot, payload)
            return
        if payload.startswith(ACCOUNT_PREFIX):
            await connect(
                event,
                session,
                tr,
                state,
                clock,
                bot,
                messenger,
                payload.removeprefix(ACCOUNT_PREFIX),
            )
            return
        if payload.startswith(PARENT_PREFIX):
            code = payload.removeprefix(PARENT_PREFIX)
            if not person.full_name:
                await state.update_data(parent_code=code)
                await state.set_state(Registration.parent_name)
                await show(event, tr("register-parent-ask-name"))
                return
            await _link(event, session, tr, person, clock, bot, code)
            return
    except DomainError as error:
        # The deep link was refused before anything was written; the language choice stays.
        await show(event, tr.render(error.key, error.params))
        actor = await people.load_actor(session, person)
        refused = True
    # After a refusal shown in place, the next screen goes below it so both stay readable.
    if not actor.role_set:
        await (show_new if refused else show)(
            event,
            tr("start-choose-role"),
            keyboard(
                [button(tr("role-student"), PickRole(role=Role.STUDENT))],
                [button(tr("role-parent"), PickRole(role=Role.PARENT))],
            ),
        )
        return
    await (show_menu_new if refused else show_menu)(event, session, tr, person, actor)


async def _accept_invite(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    payload: str,
) -> None:
    invite = await people.accept_invite(
        session, person, payload.removeprefix(INVITE_PREFIX), clock.now()
    )
    await set_commands(bot, event.from_user.id, tr, person.active_role)
    await show(event, tr("invite-accepted", role=tr(f"role-{invite.role.value}")))
    if not person.full_name:
        await state.set_state(Registration.staff_name)
        await _ask(event, tr("register-ask-name"))
        return
    await show_menu_new(event, session, tr, person, await people.load_actor(session, person))


async def _link(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    clock: Clock,
    bot: Bot,
    code: str,
) -> None:
    child = await people.link_parent(session, person, code, clock.now())
    await set_commands(bot, event.from_user.id, tr, person.active_role)
    await show(event, tr("link-done", child=child.full_name))
    await show_menu_new(event, session, tr, person, await people.load_actor(session, person))


async def _ask(event: Message | CallbackQuery, text: str) -> None:
    """A question that expects typed text goes in a new message, below the pressed one."""
    if isinstance(event, CallbackQuery) and event.message is not None:
        await event.message.answer(text)
    else:
        await show(event, text)


def _message_of(event: Message | CallbackQuery) -> Message | None:
    message = event.message if isinstance(event, CallbackQuery) else event
    return message if isinstance(message, Message) else None


async def show_new(
    event: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A screen in a new message below what was just said (which stays readable)."""
    message = _message_of(event)
    if message is not None:
        await message.answer(text, reply_markup=markup)


async def show_menu_new(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, person: Person, actor: Actor
) -> None:
    message = _message_of(event)
    if message is not None:
        await show_menu(message, session, tr, person, actor)


@router.callback_query(PickRole.filter())
async def on_pick_role(
    query: CallbackQuery,
    callback_data: PickRole,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """Students choose their school and grade; parents give their name."""
    people.check_can_register(actor, callback_data.role)
    if callback_data.role == Role.STUDENT:
        orgs = await people.organisations(session)
        rows = [[button(org.short_name, PickOrg(org_id=org.id))] for org in orgs]
        await state.set_state(Registration.org)
        await show(query, tr("register-choose-org"), keyboard(*rows))
    elif callback_data.role == Role.PARENT:
        await state.set_state(Registration.parent_name)
        await show(query, tr("register-parent-ask-name"))


@router.callback_query(Registration.org, PickOrg.filter())
async def on_pick_org(
    query: CallbackQuery, callback_data: PickOrg, tr: Text, state: FSMContext
) -> None:
    await state.update_data(org_id=callback_data.org_id)
    await state.set_state(Registration.grade)
    grades = [button(str(g), PickGrade(grade=g)) for g in range(1, 12)]
    await show(query, tr("register-choose-grade"), keyboard(grades[:6], grades[6:]))


@router.callback_query(Registration.grade, PickGrade.filter())
async def on_pick_grade(
    query: CallbackQuery, callback_data: PickGrade, tr: Text, state: FSMContext
) -> None:
    await state.update_data(grade=callback_data.grade)
    await state.set_state(Registration.student_name)
    await show(query, tr("register-ask-name"))


@router.message(Registration.student_name, typed_text)
async def on_student_name(
    message: Message,
    session: AsyncSession,
    tr: Text,
    translator: Translator,
    person: Person,
    state: FSMContext,
    bot: Bot,
) -> None:
    """Save the student; they can browse the catalogue at once."""
    data = await state.get_data()
    await people.register_student(
        session, person, org_id=data["org_id"], grade=data["grade"], name=message.text or ""
    )
    await state.clear()
    await session.flush()
    actor = await people.load_actor(session, person)
    await set_commands(bot, message.chat.id, tr, person.active_role)
    await message.answer(tr("register-student-done"))
    await show_menu(message, session, tr, person, actor)


@router.message(Registration.parent_name, typed_text)
async def on_parent_name(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
) -> None:
    """Save the parent; link the child at once if the code came with the link."""
    code = (await state.get_data()).get("parent_code")
    await people.register_parent(session, person, name=message.text or "")
    await state.clear()
    await set_commands(bot, message.chat.id, tr, person.active_role)
    if not code:
        await message.answer(tr("register-parent-done"))
        await show_menu(message, session, tr, person, await people.load_actor(session, person))
        return
    try:
        await _link(message, session, tr, person, clock, bot, code)
    except DomainError as error:
        # Registered all the same; the code can be typed again.
        await state.set_state(LinkCode.code)
        await message.answer(tr.render(error.key, error.params) + "\n\n" + tr("link-ask-code"))


@router.message(Registration.staff_name, typed_text)
async def on_staff_name(
    message: Message, session: AsyncSession, tr: Text, person: Person, state: FSMContext
) -> None:
    person.full_name = people.clean_name(message.text or "")
    await state.clear()
    await show_menu(message, session, tr, person, await people.load_actor(session, person))


@router.message(Registration.org)
@router.message(Registration.grade)
async def on_text_instead_of_button(message: Message, tr: Text) -> None:
    """Typed text where a button is expected."""
    await message.answer(tr("error-use-buttons"))
