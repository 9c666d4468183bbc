"""Students and parents: the schedule of this and next week, attendance, a calendar file."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_view import days_schedule
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of
from models import Person
from models.enums import AttendanceStatus, Role
from services import attendance, lessons, people
from services.actor import Actor
from services.clock import Clock
from services.errors import Forbidden
from services.i18n import Html, Text

SCHEDULE_DAYS = 14
CALENDAR_PAST = timedelta(days=60)
CALENDAR_AHEAD = timedelta(days=200)


class ChildWhat(StrEnum):
    SCHEDULE = "schedule"
    ATTENDANCE = "attendance"
    CALENDAR = "calendar"


class ChildView(CallbackData, prefix="kid"):
    """A student's screen: their own, or (for a parent) a linked child's."""

    id: int
    what: ChildWhat


async def _whose(session: AsyncSession, actor: Actor, child_id: int | None) -> Person:
    """The student whose data is asked for: oneself, or a linked child of a parent."""
    if child_id is None:
        if not actor.has(Role.STUDENT):
            raise Forbidden("error-students-only")
        child_id = actor.person_id
    return await people.require_self_or_child(session, actor, child_id)


def _back(child_id: int | None) -> Menu:
    return Menu(action=Screen.CHILDREN if child_id else Screen.HOME)


async def _schedule(
    reply: Reply,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    child_id: int | None,
) -> None:
    student = await _whose(session, actor, child_id)
    today = clock.now().astimezone(tr.tz).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, datetime.min.time(), tr.tz)
    found = await lessons.lessons_of_student(
        session, student.id, start, start + timedelta(days=SCHEDULE_DAYS)
    )
    body = days_schedule(tr, found, monday, SCHEDULE_DAYS, clock.now()) or tr("schedule-empty")
    text = Html(tr("schedule-title", name=student.full_name) + "\n\n" + body)
    rows = [
        [
            button(
                tr.label("btn-attendance-stats"),
                ChildView(id=student.id, what=ChildWhat.ATTENDANCE),
            )
        ],
        [button(tr.label("btn-calendar"), ChildView(id=student.id, what=ChildWhat.CALENDAR))],
        [button(tr.label("btn-back"), _back(child_id))],
    ]
    reply.show(text, keyboard(*rows))


async def _attendance(
    reply: Reply, session: AsyncSession, tr: Text, actor: Actor, child_id: int | None
) -> None:
    student = await _whose(session, actor, child_id)
    per_course = await attendance.student_attendance(session, student.id)
    lines = [
        tr(
            "attendance-line",
            course=c.course,
            present=c.counts[AttendanceStatus.PRESENT],
            absent=c.counts[AttendanceStatus.ABSENT],
            late=c.counts[AttendanceStatus.LATE],
            excused=c.counts[AttendanceStatus.EXCUSED],
            total=c.total,
        )
        for c in per_course
    ] or [tr("attendance-empty")]
    text = Html("\n\n".join([tr("attendance-title", name=student.full_name), *lines]))
    reply.show(
        text,
        keyboard(
            [button(tr.label("btn-schedule"), ChildView(id=student.id, what=ChildWhat.SCHEDULE))],
            [button(tr.label("btn-back"), _back(child_id))],
        ),
    )


async def _calendar(
    reply: Reply,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    child_id: int | None,
) -> None:
    from services import calendar  # the iCalendar library is loaded when a file is asked for

    student = await _whose(session, actor, child_id)
    now = clock.now()
    found = await lessons.lessons_of_student(
        session, student.id, now - CALENDAR_PAST, now + CALENDAR_AHEAD
    )
    data = calendar.calendar_file(found, tr.label("calendar-name", name=student.full_name), now)
    reply.document(data, "lessons.ics", caption=tr("calendar-caption"))


def _child(callback_data: ChildView, actor: Actor) -> int | None:
    return None if callback_data.id == actor.person_id else callback_data.id


async def on_schedule(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """A student's lessons of this and next week, changes shown."""
    await _schedule(reply, session, tr, actor, clock, None)


async def on_attendance(
    _: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, reply: Reply
) -> None:
    """A student's attendance per course."""
    await _attendance(reply, session, tr, actor, None)


async def on_calendar(
    _: Message, session: AsyncSession, tr: Text, actor: Actor, clock: Clock, reply: Reply
) -> None:
    """The student's lessons as a calendar file (.ics)."""
    await _calendar(reply, session, tr, actor, clock, None)


async def on_child_view(
    _: CallbackQuery,
    callback_data: ChildView,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """The same screens for a parent's child (or the student's own, from its buttons)."""
    child = _child(callback_data, actor)
    if callback_data.what == ChildWhat.SCHEDULE:
        await _schedule(reply, session, tr, actor, clock, child)
    elif callback_data.what == ChildWhat.ATTENDANCE:
        await _attendance(reply, session, tr, actor, child)
    else:
        await _calendar(reply, session, tr, actor, clock, child)


def setup() -> Router:
    router = Router(name="schedule")
    router.callback_query.filter(only_buttons_of(Menu, ChildView))
    router.message.register(on_schedule, Command("schedule"), flags=READ_ONLY)
    router.callback_query.register(
        on_schedule, Menu.filter(F.action == Screen.SCHEDULE), flags=READ_ONLY
    )
    router.message.register(on_attendance, Command("attendance"), flags=READ_ONLY)
    router.callback_query.register(
        on_attendance, Menu.filter(F.action == Screen.ATTENDANCE), flags=READ_ONLY
    )
    router.message.register(on_calendar, Command("calendar"), flags=READ_ONLY)
    router.callback_query.register(on_child_view, ChildView.filter(), flags=READ_ONLY)
    return router
