"""First contact: language, role, registration; invite and parent-link deep links."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import set_commands, show_menu
from handlers.messengers import ACCOUNT_PREFIX, connect
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import button, keyboard, only_buttons_of, rows_of, typed_text
from models import Person
from models.enums import Gender, Messenger, Role
from services import names, people
from services.actor import Actor
from services.clock import Clock
from services.errors import DomainError
from services.i18n import LANGUAGES, Html, Label, Text, Translator
from services.names import Named

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


class PickGender(CallbackData, prefix="rgen"):
    gender: Gender


class LinkCode(StatesGroup):
    """Waiting for the code a child shows to a parent."""

    code = State()


class Registration(StatesGroup):
    org = State()
    grade = State()
    student_name = State()
    parent_name = State()
    staff_name = State()
    gender = State()  # only where the name does not tell (services/names.py)


def role_keyboard(tr: Text) -> InlineKeyboardMarkup:
    """The first question of a newcomer: who are you?"""
    return keyboard(
        [button(tr.label("role-student"), PickRole(role=Role.STUDENT))],
        [button(tr.label("role-parent"), PickRole(role=Role.PARENT))],
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return keyboard([button(Label(name), Lang(code=code)) for code, name in LANGUAGE_NAMES.items()])


async def on_start(
    _: Message,
    command: CommandObject,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    messenger: Messenger,
    reply: Reply,
) -> None:
    """Greet, ask the language first; a deep link carries an invite or a parent code."""
    await state.clear()
    payload = (command.args or "").strip()
    if payload:
        await state.update_data(payload=payload)
    if person.language is None:
        reply.show(tr("start-choose-language"), language_keyboard())
        return
    await _continue(session, tr, person, actor, state, clock, bot, messenger, reply)


async def on_language_menu(_: Message | CallbackQuery, tr: Text, reply: Reply) -> None:
    """Choose the language of the bot."""
    reply.show(tr("start-choose-language"), language_keyboard())


async def on_language(
    _: CallbackQuery,
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
    reply: Reply,
) -> None:
    """Remember the language, then go on where the person was."""
    people.set_language(person, callback_data.code, LANGUAGES)
    tr = translator.for_reader(callback_data.code, tr.tz.key, person.id)
    set_commands(reply, tr, person.active_role)
    await _continue(session, tr, person, actor, state, clock, bot, messenger, reply)


async def _continue(
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
    messenger: Messenger,
    reply: Reply,
) -> None:
    """After the language: act on a deep link if one came, else register or show the menu."""
    payload = (await state.get_data()).get("payload", "")
    await state.update_data(payload="")
    refused = False
    try:
        if payload.startswith(INVITE_PREFIX):
            await _accept_invite(session, tr, person, state, clock, reply, payload)
            return
        if payload.startswith(ACCOUNT_PREFIX):
            code = payload.removeprefix(ACCOUNT_PREFIX)
            await connect(session, tr, state, clock, messenger, code, reply)
            return
        if payload.startswith(PARENT_PREFIX):
            code = payload.removeprefix(PARENT_PREFIX)
            if not person.full_name:
                await state.update_data(parent_code=code)
                await state.set_state(Registration.parent_name)
                reply.show(tr("register-parent-ask-name"))
                return
            await _link(session, tr, person, clock, reply, code)
            return
    except DomainError as error:
        # The deep link was refused before anything was written; the language choice stays.
        reply.show(tr.render(error.key, error.params))
        actor = await people.load_actor(session, person)
        refused = True
    # After a refusal shown in place, the next screen goes below it so both stay readable.
    if not actor.role_set:
        (reply.send if refused else reply.show)(tr("start-choose-role"), role_keyboard(tr))
        return
    await show_menu(reply, session, tr, person, actor, below=refused)


async def _accept_invite(
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
    payload: str,
) -> None:
    invite = await people.accept_invite(
        session, person, payload.removeprefix(INVITE_PREFIX), clock.now()
    )
    set_commands(reply, tr, person.active_role)
    reply.show(tr("invite-accepted", role=tr(f"role-{invite.role.value}")))
    if not person.full_name:
        await state.set_state(Registration.staff_name)
        reply.send(tr("register-ask-name"))
        return
    await show_menu(
        reply, session, tr, person, await people.load_actor(session, person), below=True
    )


async def _link(
    session: AsyncSession, tr: Text, person: Person, clock: Clock, reply: Reply, code: str
) -> None:
    child = await people.link_parent(session, person, code, clock.now())
    set_commands(reply, tr, person.active_role)
    reply.show(tr("link-done", child=Named.of(child)))
    await show_menu(
        reply, session, tr, person, await people.load_actor(session, person), below=True
    )


async def on_pick_role(
    _: CallbackQuery,
    callback_data: PickRole,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Students choose their school and grade; parents give their name."""
    people.check_can_register(actor, callback_data.role)
    if callback_data.role == Role.STUDENT:
        orgs = await people.organisations(session)
        rows = [[button(Label(org.short_name), PickOrg(org_id=org.id))] for org in orgs]
        await state.set_state(Registration.org)
        reply.show(tr("register-choose-org"), keyboard(*rows))
    elif callback_data.role == Role.PARENT:
        await state.set_state(Registration.parent_name)
        reply.show(tr("register-parent-ask-name"))


async def on_pick_org(
    _: CallbackQuery, callback_data: PickOrg, tr: Text, state: FSMContext, reply: Reply
) -> None:
    await state.update_data(org_id=callback_data.org_id)
    await state.set_state(Registration.grade)
    grades = [button(Label(str(g)), PickGrade(grade=g)) for g in range(1, 12)]
    reply.show(tr("register-choose-grade"), keyboard(*rows_of(grades)))


async def on_pick_grade(
    _: CallbackQuery, callback_data: PickGrade, tr: Text, state: FSMContext, reply: Reply
) -> None:
    await state.update_data(grade=callback_data.grade)
    await state.set_state(Registration.student_name)
    reply.show(tr("register-ask-name"))


async def on_student_name(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Save the student; they can browse the catalogue at once."""
    data = await state.get_data()
    await people.register_student(
        session, person, org_id=data["org_id"], grade=data["grade"], name=message.text or ""
    )
    await state.clear()
    await session.flush()
    set_commands(reply, tr, person.active_role)
    reply.send(tr("register-student-done"))
    if _asked_gender(tr, person, reply):
        await state.set_state(Registration.gender)
        return
    await show_menu(reply, session, tr, person, await people.load_actor(session, person))


def _asked_gender(tr: Text, person: Person, reply: Reply) -> bool:
    """Ask once how texts speak of the person, where their name does not tell."""
    if not names.needs_gender(person):
        return False
    reply.send(
        tr("register-ask-gender", name=person.full_name),
        keyboard(
            [
                button(tr.label("btn-gender-male"), PickGender(gender=Gender.MALE)),
                button(tr.label("btn-gender-female"), PickGender(gender=Gender.FEMALE)),
            ]
        ),
    )
    return True


async def on_pick_gender(
    _: CallbackQuery,
    callback_data: PickGender,
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
) -> None:
    """Remember the answer, then go on: link the child if a parent's code came, else the menu."""
    people.set_gender(person, callback_data.gender)
    code = (await state.get_data()).get("parent_code")
    await state.clear()
    if code:
        await _link_or_ask_again(session, tr, person, state, clock, reply, code)
        return
    await show_menu(reply, session, tr, person, await people.load_actor(session, person))


async def on_parent_name(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
) -> None:
    """Save the parent; link the child at once if the code came with the link."""
    code = (await state.get_data()).get("parent_code")
    await people.register_parent(session, person, name=message.text or "")
    await state.clear()
    set_commands(reply, tr, person.active_role)
    if not code:
        reply.send(tr("register-parent-done"))
    if _asked_gender(tr, person, reply):
        await state.set_state(Registration.gender)
        await state.update_data(parent_code=code)
        return
    if not code:
        await show_menu(reply, session, tr, person, await people.load_actor(session, person))
        return
    await _link_or_ask_again(session, tr, person, state, clock, reply, code)


async def _link_or_ask_again(
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
    code: str,
) -> None:
    try:
        await _link(session, tr, person, clock, reply, code)
    except DomainError as error:
        # Registered all the same; the code can be typed again.
        await state.set_state(LinkCode.code)
        reply.send(Html(tr.render(error.key, error.params) + "\n\n" + tr("link-ask-code")))


async def on_staff_name(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    reply: Reply,
) -> None:
    person.full_name = people.clean_name(message.text or "")
    await state.clear()
    if _asked_gender(tr, person, reply):
        await state.set_state(Registration.gender)
        return
    await show_menu(reply, session, tr, person, await people.load_actor(session, person))


async def on_text_instead_of_button(_: Message, tr: Text, reply: Reply) -> None:
    """Typed text where a button is expected."""
    reply.send(tr("error-use-buttons"))


def setup() -> Router:
    router = Router(name="start")
    router.callback_query.filter(
        only_buttons_of(Menu, Lang, PickRole, PickOrg, PickGrade, PickGender)
    )
    router.message.register(on_start, CommandStart())
    router.message.register(on_language_menu, Command("language"))
    router.callback_query.register(on_language_menu, Menu.filter(F.action == Screen.LANGUAGE))
    router.callback_query.register(on_language, Lang.filter())
    router.callback_query.register(on_pick_role, PickRole.filter())
    router.callback_query.register(on_pick_org, Registration.org, PickOrg.filter())
    router.callback_query.register(on_pick_grade, Registration.grade, PickGrade.filter())
    router.message.register(on_student_name, Registration.student_name, typed_text)
    router.message.register(on_parent_name, Registration.parent_name, typed_text)
    router.message.register(on_staff_name, Registration.staff_name, typed_text)
    router.message.register(on_text_instead_of_button, Registration.org)
    router.message.register(on_text_instead_of_button, Registration.grade)
    router.callback_query.register(on_pick_gender, Registration.gender, PickGender.filter())
    router.message.register(on_text_instead_of_button, Registration.gender)
    return router
