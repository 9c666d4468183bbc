"""Coordinators: the review queue of their own students' applications, decisions about
groups below their minimum, and parents who cannot be reached."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.application_card import Whose, line_button
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of
from services import enrollment, groups, people
from services.actor import Actor
from services.clock import Clock
from services.i18n import Html, Text

QUEUE_LIMIT = 30
UNREACHABLE_SHOWN = 50


class GroupDecision(CallbackData, prefix="gdec"):
    """The provider coordinator's decision about a group below its minimum; cancelling is
    asked once more (`sure`) with what it does."""

    id: int
    run: bool
    sure: bool = False


async def on_review(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Applications of own students that the parents have confirmed, oldest first."""
    await state.clear()
    queue = await enrollment.review_queue(session, actor)
    rows = [[line_button(line, Whose.STUDENT)] for line in queue[:QUEUE_LIMIT]]
    rows.append([home_button(tr)])
    text = tr("review-title", count=len(queue)) if queue else tr("review-empty")
    reply.show(text, keyboard(*rows))


async def on_group_decision(
    _: CallbackQuery,
    callback_data: GroupDecision,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """Cancel the group (everyone is told, with other groups suggested) or run it anyway."""
    if callback_data.run:
        await groups.run_anyway(session, actor, callback_data.id, clock.now())
        text = tr("group-run-anyway-done")
    elif not callback_data.sure:
        preview = await groups.cancel_preview(session, actor, callback_data.id)
        reply.show(
            tr(
                "group-cancel-ask",
                course=preview.course,
                group=preview.group,
                students=preview.students,
                count=preview.told,
            ),
            keyboard(
                [
                    button(
                        tr.label("btn-cancel-group-yes"),
                        GroupDecision(id=callback_data.id, run=False, sure=True),
                    )
                ],
                [button(tr.label("btn-run-anyway"), GroupDecision(id=callback_data.id, run=True))],
                [home_button(tr)],
            ),
        )
        return
    else:
        told = await groups.cancel_group(session, actor, callback_data.id, clock.now())
        text = tr("group-cancelled-done", count=told)
    reply.show(text, keyboard([home_button(tr)]))


async def on_unreachable(
    _: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, reply: Reply
) -> None:
    """Parents of own students who blocked the bot: the school has to reach them otherwise."""
    found = await people.unreachable_parents(session, actor)
    lines = [
        tr("unreachable-line", parent=u.parent, child=u.child, since=tr.datetime(u.since))
        for u in found[:UNREACHABLE_SHOWN]
    ]
    text = Html("\n".join([tr("unreachable-title", count=len(found)), *lines]))
    reply.show(text, keyboard([home_button(tr)]))


def setup() -> Router:
    router = Router(name="coordinator")
    router.callback_query.filter(only_buttons_of(Menu, GroupDecision))
    router.message.register(on_review, Command("review"), flags=READ_ONLY)
    router.callback_query.register(
        on_review, Menu.filter(F.action == Screen.REVIEW), flags=READ_ONLY
    )
    router.callback_query.register(on_group_decision, GroupDecision.filter())
    router.message.register(on_unreachable, Command("unreachable"), flags=READ_ONLY)
    router.callback_query.register(
        on_unreachable, Menu.filter(F.action == Screen.UNREACHABLE), flags=READ_ONLY
    )
    return router
