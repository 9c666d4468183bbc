"""The main menu of each role, /help, /menu, switching roles and the command menus."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.methods import SetMyCommands
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, StartLinks, button, keyboard, only_buttons_of
from models import Person
from models.enums import Role
from services import enrollment, people
from services.actor import Actor
from services.i18n import LANGUAGES, Html, Text, Translator

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


class SwitchRole(CallbackData, prefix="role"):
    role: Role


def role_name(tr: Text, role: Role) -> Html:
    return tr(f"role-{role.value}")


def _go(tr: Text, key: str, screen: Screen) -> InlineKeyboardButton:
    return button(tr.label(key), Menu(action=screen))


def menu_keyboard(tr: Text, actor: Actor, role: Role | None) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if role == Role.STUDENT:
        rows += [
            [_go(tr, "btn-catalogue", Screen.CATALOGUE)],
            [
                _go(tr, "btn-schedule", Screen.SCHEDULE),
                _go(tr, "btn-attendance-stats", Screen.ATTENDANCE),
            ],
            [_go(tr, "btn-my-applications", Screen.APPLICATIONS)],
            [_go(tr, "btn-link-parent", Screen.PARENT)],
        ]
    elif role == Role.PARENT:
        rows += [
            [_go(tr, "btn-children", Screen.CHILDREN)],
            [_go(tr, "btn-link-child", Screen.LINK)],
            [_go(tr, "btn-consents", Screen.CONSENT)],
        ]
    elif role == Role.COORDINATOR:
        rows += [
            [_go(tr, "btn-review", Screen.REVIEW)],
            [_go(tr, "btn-today", Screen.TODAY), _go(tr, "btn-week", Screen.WEEK)],
            [_go(tr, "btn-unreachable", Screen.UNREACHABLE)],
            [_go(tr, "btn-broadcast", Screen.BROADCAST), _go(tr, "btn-import", Screen.IMPORT)],
            [_go(tr, "btn-agreements", Screen.AGREEMENTS)],
        ]
    elif role == Role.TEACHER:
        rows += [
            [_go(tr, "btn-today", Screen.TODAY), _go(tr, "btn-week", Screen.WEEK)],
            [_go(tr, "btn-my-groups", Screen.GROUPS)],
        ]
    elif role == Role.ADMIN:
        rows += [
            [_go(tr, "btn-admin", Screen.ADMIN)],
            [_go(tr, "btn-network", Screen.NETWORK), _go(tr, "btn-invite", Screen.INVITE)],
            [
                _go(tr, "btn-profile-day", Screen.PROFILE_DAY),
                _go(tr, "btn-holidays", Screen.HOLIDAYS),
            ],
            [_go(tr, "btn-audit", Screen.AUDIT), _go(tr, "btn-broadcast", Screen.BROADCAST)],
            [_go(tr, "btn-import", Screen.IMPORT), _go(tr, "btn-agreements", Screen.AGREEMENTS)],
        ]
    if role in (Role.TEACHER, Role.COORDINATOR, Role.ADMIN):
        rows.append([_go(tr, "btn-reports", Screen.REPORTS)])
    extra = [_go(tr, "btn-language", Screen.LANGUAGE), _go(tr, "btn-messengers", Screen.MESSENGERS)]
    if len(actor.role_set) > 1:
        extra.insert(0, _go(tr, "btn-switch-role", Screen.ROLE))
    rows.append(extra)
    return keyboard(*rows)


def home_button(tr: Text) -> InlineKeyboardButton:
    """Back to the main menu: at the bottom of most screens."""
    return _go(tr, "btn-menu", Screen.HOME)


def cancel_button(tr: Text) -> InlineKeyboardButton:
    """Leave a question unanswered: back to the main menu, the question forgotten."""
    return _go(tr, "btn-cancel", Screen.HOME)


async def menu_text(session: AsyncSession, tr: Text, person: Person, actor: Actor) -> Html:
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
    return Html("\n\n".join(lines))


async def show_menu(
    reply: Reply,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    *,
    below: bool = False,
) -> None:
    """The menu of the active role: in place of the pressed screen, or (`below`) in a new
    message under what was just said, so both stay readable."""
    text = await menu_text(session, tr, person, actor)
    markup = menu_keyboard(tr, actor, person.active_role)
    if below:
        reply.send(text, markup)
    else:
        reply.show(text, markup)


def set_commands(reply: Reply, tr: Text, role: Role | None) -> None:
    """The chat's command menu: the active role's commands, then everyone's."""
    names = (*ROLE_COMMANDS.get(role, ()), *COMMON_COMMANDS) if role else ("start", "language")
    commands = [BotCommand(command=name, description=tr.label(f"cmd-{name}")) for name in names]
    reply.call(SetMyCommands(commands=commands, scope=BotCommandScopeChat(chat_id=reply.chat_id)))


async def on_startup(bot: Bot, translator: Translator, start_links: StartLinks) -> None:
    """Everyone's command menu, in each language, until a chat gets its role's own; the
    bot's deep links learnt (see handlers/ui.StartLinks)."""
    await start_links.learn(bot)
    for lang in LANGUAGES:
        tr = translator.for_reader(lang, "UTC")
        commands = [
            BotCommand(command=name, description=tr.label(f"cmd-{name}"))
            for name in ("start", *COMMON_COMMANDS)
        ]
        language = None if lang == translator.default_language else lang
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=language)


async def on_menu(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The main menu of the active role."""
    await state.clear()
    await show_menu(reply, session, tr, person, actor)


async def on_help(_: Message, tr: Text, person: Person, reply: Reply) -> None:
    """What this role can do, in plain words."""
    role = person.active_role
    key = f"help-{role.value}" if role else "help-new"
    reply.send(Html(tr(key) + "\n\n" + tr("help-common")), keyboard([home_button(tr)]))


async def on_role_menu(_: Message | CallbackQuery, tr: Text, actor: Actor, reply: Reply) -> None:
    """Pick which of one's roles to act in."""
    if not actor.role_set:
        reply.show(tr("menu-no-role"))
        return
    rows = [
        [button(tr.label(f"role-{role.value}"), SwitchRole(role=role))]
        for role in Role
        if role in actor.role_set
    ]
    reply.show(tr("role-choose"), keyboard(*rows))


async def on_switch_role(
    _: CallbackQuery,
    callback_data: SwitchRole,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    reply: Reply,
) -> None:
    """Act in another role: its menu and its commands."""
    people.switch_role(person, actor, callback_data.role)
    set_commands(reply, tr, person.active_role)
    await show_menu(reply, session, tr, person, actor)


def setup() -> Router:
    router = Router(name="menu")
    router.callback_query.filter(only_buttons_of(Menu, SwitchRole))
    router.startup.register(on_startup)
    router.message.register(on_menu, Command("menu"), flags=READ_ONLY)
    router.callback_query.register(on_menu, Menu.filter(F.action == Screen.HOME), flags=READ_ONLY)
    router.message.register(on_help, Command("help"), flags=READ_ONLY)
    router.message.register(on_role_menu, Command("role"), flags=READ_ONLY)
    router.callback_query.register(
        on_role_menu, Menu.filter(F.action == Screen.ROLE), flags=READ_ONLY
    )
    router.callback_query.register(on_switch_role, SwitchRole.filter())
    return router
