"""Students and parents: linking with a one-time code, and a parent's children."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.application_card import Whose, line_button
from handlers.menu import cancel_button, home_button, set_commands, show_menu
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.schedule import ChildView, ChildWhat
from handlers.start import PARENT_PREFIX, LinkCode
from handlers.ui import (
    READ_ONLY,
    StartLinks,
    button,
    keyboard,
    links_text,
    only_buttons_of,
    typed_text,
)
from models import Person
from models.enums import ApplicationState, Role
from services import enrollment, people
from services.actor import Actor
from services.clock import Clock
from services.errors import Forbidden
from services.i18n import Html, Text
from services.names import Named

CHILDREN_SHOWN = 10
APPLICATIONS_SHOWN = 30


async def on_parent_code(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    start_links: StartLinks,
    reply: Reply,
) -> None:
    """A student gets a one-time code and links (for each messenger) to pass to a parent."""
    code = await people.create_parent_code(session, actor, clock.now())
    links = links_text(tr, await start_links.for_reader(bot, PARENT_PREFIX + code.code))
    reply.show(
        tr("link-code", code=code.code, link=links, expires=tr.datetime(code.expires_at)),
        keyboard([home_button(tr)]),
    )


async def on_link_ask(
    _: Message | CallbackQuery, tr: Text, state: FSMContext, reply: Reply
) -> None:
    """A parent types the code the child shows them."""
    await state.set_state(LinkCode.code)
    reply.show(tr("link-ask-code"), keyboard([cancel_button(tr)]))


async def on_link_code(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
) -> None:
    if not person.full_name:
        raise Forbidden("error-register-first")
    child = await people.link_parent(session, person, message.text or "", clock.now())
    await state.clear()
    set_commands(reply, tr, person.active_role)
    reply.send(tr("link-done", child=Named.of(child)))
    await show_menu(reply, session, tr, person, await people.load_actor(session, person))


async def on_children(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """A parent's children and their applications; those waiting for consent come first."""
    await state.clear()
    if not actor.has(Role.PARENT):
        raise Forbidden("error-parents-only")
    children = await people.children_of(session, actor.person_id)
    if not children:
        reply.show(
            tr("children-none"),
            keyboard([button(tr.label("btn-link-child"), Menu(action=Screen.LINK))]),
        )
        return
    lines = await enrollment.children_applications(session, actor.person_id)
    lines.sort(key=lambda line: line.application.state != ApplicationState.AWAITING_PARENT)
    waiting = sum(1 for line in lines if line.application.state == ApplicationState.AWAITING_PARENT)
    text = Html(
        "\n\n".join(
            [
                tr("children-title", names=", ".join(c.full_name for c in children)),
                tr("menu-consent-count", count=waiting),
            ]
        )
    )
    rows: list[list[InlineKeyboardButton]] = [
        [line_button(line, Whose.CHILD)] for line in lines[:APPLICATIONS_SHOWN]
    ]
    rows += [
        [
            button(
                tr.label("btn-child-schedule", name=child.full_name),
                ChildView(id=child.id, what=ChildWhat.SCHEDULE),
            ),
            button(
                tr.label("btn-child-attendance"),
                ChildView(id=child.id, what=ChildWhat.ATTENDANCE),
            ),
        ]
        for child in children[:CHILDREN_SHOWN]
    ]
    rows.append([button(tr.label("btn-link-child"), Menu(action=Screen.LINK)), home_button(tr)])
    reply.show(text, keyboard(*rows))


def setup() -> Router:
    router = Router(name="family")
    router.callback_query.filter(only_buttons_of(Menu))
    router.message.register(on_parent_code, Command("parent"))
    router.callback_query.register(on_parent_code, Menu.filter(F.action == Screen.PARENT))
    router.message.register(on_link_ask, Command("link"), flags=READ_ONLY)
    router.callback_query.register(
        on_link_ask, Menu.filter(F.action == Screen.LINK), flags=READ_ONLY
    )
    router.message.register(on_link_code, LinkCode.code, typed_text)
    router.message.register(on_children, Command("children"), flags=READ_ONLY)
    router.callback_query.register(
        on_children, Menu.filter(F.action == Screen.CHILDREN), flags=READ_ONLY
    )
    return router
