"""Students and parents: the schedule of this and next week, attendance, a calendar file."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_view import days_schedule
from handlers.menu import Menu
from handlers.ui import button, keyboard, show
from models import Person
from models.enums import AttendanceStatus, Role
from services import attendance, lessons, people
from services.clock import Clock
from services.errors import Forbidden, NotFound
from services.i18n import Html, Text
from services.people import Actor

router = Router(name="schedule")

SCHEDULE_DAYS = 14
CALENDAR_PAST = timedelta(days=60)
CALENDAR_AHEAD = timedelta(days=200)


class ChildView(CallbackData, prefix="kid"):
    id: int
    what: str  # schedule | attendance | calendar


async def _whose(session: AsyncSession, actor: Actor, child_id: int | None) -> Person:
    """The student whose data is asked for: oneself, or a linked child of a parent."""
    if child_id is None:
        if not actor.has(Role.STUDENT):
            raise Forbidden("error-students-only")
        child_id = actor.person_id
    return await people.require_self_or_child(session, actor, child_id)


def _back(child_id: int | None) -> CallbackData:
    return Menu(action="children") if child_id else Menu(action="home")


async def _schedule(
    event: Message | CallbackQuery,
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
    body = days_schedule(tr, found, monday, SCHEDULE_DAYS) or tr("schedule-empty")
    text = Html(tr("schedule-title", name=student.full_name) + "\n\n" + body)
    rows = [
        [button(tr("btn-attendance-stats"), ChildView(id=student.id, what="attendance"))],
        [button(tr("btn-calendar"), ChildView(id=student.id, what="calendar"))],
        [button(tr("btn-back"), _back(child_id))],
    ]
    await show(event, text, keyboard(*rows))


async def _attendance(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    child_id: int | None,
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
    await show(
        event,
        text,
        keyboard(
            [button(tr("btn-schedule"), ChildView(id=student.id, what="schedule"))],
            [button(tr("btn-back"), _back(child_id))],
        ),
    )


async def _calendar(
    event: Message | CallbackQuery,
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
    data = calendar.calendar_file(found, tr("calendar-name", name=student.full_name), now)
    message = event.message if isinstance(event, CallbackQuery) else event
    if isinstance(message, Message):
        await message.answer_document(
            BufferedInputFile(data, filename="lessons.ics"), caption=tr("calendar-caption")
        )


def _child(callback_data: ChildView, actor: Actor) -> int | None:
    return None if callback_data.id == actor.person_id else callback_data.id


@router.message(Command("schedule"))
@router.callback_query(Menu.filter(F.action == "schedule"))
async def on_schedule(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, clock: Clock
) -> None:
    """A student's lessons of this and next week, changes shown."""
    await _schedule(event, session, tr, actor, clock, None)


@router.message(Command("attendance"))
@router.callback_query(Menu.filter(F.action == "attendance"))
async def on_attendance(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """A student's attendance per course."""
    await _attendance(event, session, tr, actor, None)


@router.message(Command("calendar"))
async def on_calendar(
    message: Message, session: AsyncSession, tr: Text, actor: Actor, clock: Clock
) -> None:
    """The student's lessons as a calendar file (.ics)."""
    await _calendar(message, session, tr, actor, clock, None)


@router.callback_query(ChildView.filter())
async def on_child_view(
    query: CallbackQuery,
    callback_data: ChildView,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
) -> None:
    """The same screens for a parent's child (or the student's own, from its buttons)."""
    child = _child(callback_data, actor)
    if callback_data.what == "schedule":
        await _schedule(query, session, tr, actor, clock, child)
    elif callback_data.what == "attendance":
        await _attendance(query, session, tr, actor, child)
    elif callback_data.what == "calendar":
        await _calendar(query, session, tr, actor, clock, child)
    else:
        raise NotFound("error-not-found")
