"""The main menu of each role, /help, /menu, switching roles and the command menus."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import button, keyboard, show
from models import Person
from models.enums import Role
from services import enrollment, people
from services.i18n import LANGUAGES, Html, Text, Translator
from services.people import Actor

router = Router(name="menu")

# Commands shown in Telegram's menu for each role, in this order; /start, /menu, /help and
# /language are everyone's.
ROLE_COMMANDS: dict[Role, tuple[str, ...]] = {
    Role.STUDENT: ("catalogue", "schedule", "applications", "attendance", "calendar", "parent"),
    Role.PARENT: ("children", "link", "consent"),
    Role.TEACHER: ("today", "week", "groups", "reports", "export"),
    Role.COORDINATOR: (
        "review",
        "unreachable",
        "broadcast",
        "import",
        "template",
        "reports",
        "export",
    ),
    Role.ADMIN: (
        "admin",
        "network",
        "orgs",
        "settings",
        "broadcast",
        "invite",
        "profileday",
        "holidays",
        "audit",
        "import",
        "template",
        "reports",
        "export",
    ),
}
COMMON_COMMANDS = ("menu", "help", "role", "language", "messengers", "privacy", "mydata")


class Menu(CallbackData, prefix="m"):
    action: str


class SwitchRole(CallbackData, prefix="role"):
    role: Role


def role_name(tr: Text, role: Role) -> Html:
    return tr(f"role-{role.value}")


def menu_keyboard(tr: Text, actor: Actor, role: Role | None) -> InlineKeyboardMarkup:
    rows: list[list] = []
    if role == Role.STUDENT:
        rows += [
            [button(tr("btn-catalogue"), Menu(action="catalogue"))],
            [
                button(tr("btn-schedule"), Menu(action="schedule")),
                button(tr("btn-attendance-stats"), Menu(action="attendance")),
            ],
            [button(tr("btn-my-applications"), Menu(action="applications"))],
            [button(tr("btn-link-parent"), Menu(action="parent"))],
        ]
    elif role == Role.PARENT:
        rows += [
            [button(tr("btn-children"), Menu(action="children"))],
            [button(tr("btn-link-child"), Menu(action="link"))],
            [button(tr("btn-consents"), Menu(action="consent"))],
        ]
    elif role == Role.COORDINATOR:
        rows += [
            [button(tr("btn-review"), Menu(action="review"))],
            [button(tr("btn-unreachable"), Menu(action="unreachable"))],
            [
                button(tr("btn-broadcast"), Menu(action="broadcast")),
                button(tr("btn-import"), Menu(action="import")),
            ],
        ]
    elif role == Role.TEACHER:
        rows += [
            [
                button(tr("btn-today"), Menu(action="today")),
                button(tr("btn-week"), Menu(action="week")),
            ],
            [button(tr("btn-my-groups"), Menu(action="groups"))],
        ]
    elif role == Role.ADMIN:
        rows += [
            [button(tr("btn-admin"), Menu(action="admin"))],
            [
                button(tr("btn-network"), Menu(action="network")),
                button(tr("btn-invite"), Menu(action="invite")),
            ],
            [
                button(tr("btn-profile-day"), Menu(action="profileday")),
                button(tr("btn-holidays"), Menu(action="holidays")),
            ],
            [
                button(tr("btn-audit"), Menu(action="audit")),
                button(tr("btn-broadcast"), Menu(action="broadcast")),
            ],
            [button(tr("btn-import"), Menu(action="import"))],
        ]
    if role in (Role.TEACHER, Role.COORDINATOR, Role.ADMIN):
        rows.append([button(tr("btn-reports"), Menu(action="reports"))])
    extra = [
        button(tr("btn-language"), Menu(action="language")),
        button(tr("btn-messengers"), Menu(action="messengers")),
    ]
    if len(actor.role_set) > 1:
        extra.insert(0, button(tr("btn-switch-role"), Menu(action="role")))
    rows.append(extra)
    return keyboard(*rows)


async def menu_text(session: AsyncSession, tr: Text, person: Person, actor: Actor) -> str:
    role = person.active_role
    if role is None:
        return tr("menu-no-role")
    lines = [tr("menu-title", name=person.full_name or "—", role=role_name(tr, role))]
    if role == Role.COORDINATOR:
        queue = await enrollment.review_queue(session, actor)
        lines.append(tr("menu-review-count", count=len(queue)))
    elif role == Role.PARENT:
        waiting = await enrollment.awaiting_parent(session, person.id)
        lines.append(tr("menu-consent-count", count=len(waiting)))
    return "\n\n".join(lines)


async def show_menu(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, person: Person, actor: Actor
) -> None:
    await show(
        event,
        await menu_text(session, tr, person, actor),
        menu_keyboard(tr, actor, person.active_role),
    )


async def set_commands(bot: Bot, chat_id: int, tr: Text, role: Role | None) -> None:
    """Telegram's command menu for this chat: the active role's commands, then everyone's."""
    names = (*ROLE_COMMANDS.get(role, ()), *COMMON_COMMANDS) if role else ("start", "language")
    commands = [BotCommand(command=name, description=tr(f"cmd-{name}")) for name in names]
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))


@router.startup()
async def on_startup(bot: Bot, translator: Translator) -> None:
    """Everyone's command menu, in each language, until a chat gets its role's own."""
    for lang in LANGUAGES:
        tr = translator.for_reader(lang, "UTC")
        commands = [
            BotCommand(command=name, description=tr(f"cmd-{name}"))
            for name in ("start", *COMMON_COMMANDS)
        ]
        language = None if lang == translator.default_language else lang
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=language)


@router.message(Command("menu"))
@router.callback_query(Menu.filter(F.action == "home"))
async def on_menu(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
) -> None:
    """The main menu of the active role."""
    await state.clear()
    await show_menu(event, session, tr, person, actor)


@router.message(Command("help"))
async def on_help(message: Message, tr: Text, person: Person) -> None:
    """What this role can do, in plain words."""
    role = person.active_role
    key = f"help-{role.value}" if role else "help-new"
    await message.answer(tr(key) + "\n\n" + tr("help-common"))


@router.message(Command("privacy"))
async def on_privacy(message: Message, tr: Text) -> None:
    """What the bot stores, why, for how long, and who sees it."""
    await message.answer(tr("privacy"))


@router.message(Command("role"))
@router.callback_query(Menu.filter(F.action == "role"))
async def on_role_menu(event: Message | CallbackQuery, tr: Text, actor: Actor) -> None:
    """Pick which of one's roles to act in."""
    if not actor.role_set:
        await show(event, tr("menu-no-role"))
        return
    rows = [
        [button(role_name(tr, role), SwitchRole(role=role))]
        for role in Role
        if role in actor.role_set
    ]
    await show(event, tr("role-choose"), keyboard(*rows))


@router.callback_query(SwitchRole.filter())
async def on_switch_role(
    query: CallbackQuery,
    callback_data: SwitchRole,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    bot: Bot,
) -> None:
    """Act in another role: its menu and its commands."""
    people.switch_role(person, actor, callback_data.role)
    await set_commands(bot, query.from_user.id, tr, person.active_role)
    await show_menu(query, session, tr, person, actor)
