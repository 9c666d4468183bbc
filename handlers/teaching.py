"""Teachers and coordinators on a phone: today's and this week's lessons, and a lesson's card."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_card import LessonOpen, show_lesson
from handlers.lesson_view import button_label
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of
from models import Person
from services import lessons
from services.actor import Actor
from services.clock import Clock
from services.i18n import Html, Text

WEEK = timedelta(days=7)
LIST_LIMIT = 60


def _today_start(clock: Clock, tr: Text) -> datetime:
    today = clock.now().astimezone(tr.tz).date()
    return datetime.combine(today, datetime.min.time(), tr.tz)


async def on_today(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """Today's lessons: a teacher's own, or a coordinator's organisation's."""
    start = _today_start(clock, tr)
    found = await lessons.lessons_for_staff(
        session, actor, person.active_role, start, start + timedelta(days=1)
    )
    title = tr("today-title", day=tr.day(start.date()), count=len(found))
    _show_list(reply, tr, title, found, clock.now())


async def on_week(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """The past seven days (attendance can still be marked) and the next seven."""
    today = _today_start(clock, tr)
    found = await lessons.lessons_for_staff(
        session, actor, person.active_role, today - WEEK, today + WEEK
    )
    _show_list(reply, tr, tr("week-title", count=len(found)), found, clock.now())


def _show_list(
    reply: Reply, tr: Text, title: Html, found: list[lessons.LessonInfo], now: datetime
) -> None:
    rows = [
        [button(button_label(tr, info, now), LessonOpen(id=info.lesson.id))]
        for info in found[:LIST_LIMIT]
    ]
    rows.append(
        [
            button(tr.label("btn-today"), Menu(action=Screen.TODAY)),
            button(tr.label("btn-week"), Menu(action=Screen.WEEK)),
        ]
    )
    rows.append([home_button(tr)])
    reply.show(Html(f"{title}\n{tr('lessons-legend')}") if found else title, keyboard(*rows))


async def on_lesson(
    _: CallbackQuery,
    callback_data: LessonOpen,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """A lesson's card with what can be done to it."""
    await state.clear()
    await show_lesson(reply, session, tr, actor, clock, callback_data.id)


def setup() -> Router:
    router = Router(name="teaching")
    router.callback_query.filter(only_buttons_of(Menu, LessonOpen))
    router.message.register(on_today, Command("today"), flags=READ_ONLY)
    router.callback_query.register(on_today, Menu.filter(F.action == Screen.TODAY), flags=READ_ONLY)
    router.message.register(on_week, Command("week"), flags=READ_ONLY)
    router.callback_query.register(on_week, Menu.filter(F.action == Screen.WEEK), flags=READ_ONLY)
    router.callback_query.register(on_lesson, LessonOpen.filter(), flags=READ_ONLY)
    return router
