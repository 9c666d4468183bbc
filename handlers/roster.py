"""Attendance in a few taps: the roster, a tap per student cycling the mark, "all present",
and saving once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_card import LessonAct, LessonAction, LessonOpen, show_lesson
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of
from models.enums import AttendanceStatus
from services import attendance
from services.actor import Actor
from services.clock import Clock
from services.errors import Conflict
from services.i18n import Label, Text

MARK_ICONS = {
    None: "▫️",
    AttendanceStatus.PRESENT: "✅",
    AttendanceStatus.ABSENT: "❌",
    AttendanceStatus.LATE: "⏰",
    AttendanceStatus.EXCUSED: "📝",
}
ROSTER_LIMIT = 95  # buttons; Telegram allows 100 in one keyboard


class Mark(CallbackData, prefix="mark"):
    lesson: int
    student: int


@dataclass(frozen=True)
class Roll:
    """The roster screen while a teacher marks it. It is kept in the conversation's state with
    the unsaved marks, so a tap redraws it without reading the lesson again; saving checks
    the lesson, the teacher and the roster afresh."""

    lesson_id: int
    course: str
    group: str
    starts_at: datetime
    lines: list[attendance.RosterLine]

    @classmethod
    def of(cls, roster: attendance.Roster) -> Roll:
        info = roster.info
        return cls(
            info.lesson.id, info.course.title, info.group.code, info.lesson.starts_at, roster.lines
        )

    def dump(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson_id,
            "course": self.course,
            "group": self.group,
            "starts_at": self.starts_at.isoformat(),
            "lines": [
                [x.student_id, x.name, x.school, x.status and x.status.value] for x in self.lines
            ],
        }

    @classmethod
    def load(cls, data: dict[str, Any]) -> Roll:
        return cls(
            data["lesson"],
            data["course"],
            data["group"],
            datetime.fromisoformat(data["starts_at"]),
            [
                attendance.RosterLine(sid, name, school, AttendanceStatus(st) if st else None)
                for sid, name, school, st in data["lines"]
            ],
        )


Draft = dict[int, AttendanceStatus]


def _roster_markup(tr: Text, roll: Roll, draft: Draft) -> InlineKeyboardMarkup:
    rows = []
    for line in roll.lines[:ROSTER_LIMIT]:
        icon = MARK_ICONS[draft.get(line.student_id, line.status)]
        label = Label(f"{icon} {line.name} · {line.school}")
        rows.append([button(label, Mark(lesson=roll.lesson_id, student=line.student_id))])
    rows.append(
        [
            button(
                tr.label("btn-all-present"), LessonAct(id=roll.lesson_id, action=LessonAction.ALL)
            ),
            button(tr.label("btn-save"), LessonAct(id=roll.lesson_id, action=LessonAction.SAVE)),
        ]
    )
    rows.append([button(tr.label("btn-back"), LessonOpen(id=roll.lesson_id))])
    return keyboard(*rows)


async def _marking(
    state: FSMContext, session: AsyncSession, actor: Actor, lesson_id: int, now: datetime
) -> tuple[Roll, Draft, dict[str, Any]]:
    """The roster being marked, its unsaved marks and the state they came from: from the
    conversation's state when this lesson is the one being marked, else read (and checked)
    afresh."""
    data = await state.get_data()
    draft = _unsaved(data, lesson_id)
    if data.get("roll_lesson") == lesson_id and "roll_view" in data:
        return Roll.load(data["roll_view"]), draft, data
    roll = Roll.of(await attendance.roster(session, actor, lesson_id, now))
    return roll, draft, data


def _unsaved(data: dict[str, Any], lesson_id: int) -> Draft:
    """Marks tapped but not saved yet, if `lesson_id` is the lesson being marked."""
    if data.get("roll_lesson") != lesson_id:
        return {}
    return {int(k): AttendanceStatus(v) for k, v in data.get("roll", {}).items()}


async def _keep(state: FSMContext, data: dict[str, Any], roll: Roll, draft: Draft) -> None:
    """The roster and its unsaved marks written back in one go (one trip to Redis)."""
    view = data["roll_view"] if data.get("roll_lesson") == roll.lesson_id else roll.dump()
    await state.set_data(
        {
            **data,
            "roll_lesson": roll.lesson_id,
            "roll_view": view,
            "roll": {str(k): v.value for k, v in draft.items()},
        }
    )


def _show_roster(reply: Reply, tr: Text, roll: Roll, draft: Draft) -> None:
    text = tr(
        "roll-title",
        course=roll.course,
        group=roll.group,
        when=tr.datetime(roll.starts_at),
        count=len(roll.lines),
    )
    reply.show(text, _roster_markup(tr, roll, draft))


async def on_roll(
    _: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The roster: one button per student; a tap moves to the next mark."""
    await state.clear()
    roll = Roll.of(await attendance.roster(session, actor, callback_data.id, clock.now()))
    await _keep(state, {}, roll, {})
    _show_roster(reply, tr, roll, {})


async def on_mark(
    _: CallbackQuery,
    callback_data: Mark,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    roll, draft, data = await _marking(state, session, actor, callback_data.lesson, clock.now())
    saved = {line.student_id: line.status for line in roll.lines}
    if callback_data.student not in saved:
        raise Conflict("error-not-in-roster")
    current = draft.get(callback_data.student, saved[callback_data.student])
    draft[callback_data.student] = attendance.next_status(current)
    await _keep(state, data, roll, draft)
    _show_roster(reply, tr, roll, draft)


async def on_all_present(
    _: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Everyone not marked yet is present; marks already given (saved or tapped) stay."""
    roll, draft, data = await _marking(state, session, actor, callback_data.id, clock.now())
    for line in roll.lines:
        if line.status is None and line.student_id not in draft:
            draft[line.student_id] = AttendanceStatus.PRESENT
    await _keep(state, data, roll, draft)
    _show_roster(reply, tr, roll, draft)


async def on_save(
    _: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Save the marks; parents of absent students are told."""
    draft = _unsaved(await state.get_data(), callback_data.id)
    told = await attendance.save_attendance(session, actor, callback_data.id, draft, clock.now())
    await state.clear()
    notice = tr("roll-saved", count=len(draft), told=told)
    await show_lesson(reply, session, tr, actor, clock, callback_data.id, notice=notice)


def setup() -> Router:
    router = Router(name="roster")
    router.callback_query.filter(only_buttons_of(Mark, LessonAct))
    act = LessonAct.filter
    router.callback_query.register(on_roll, act(F.action == LessonAction.ROLL), flags=READ_ONLY)
    router.callback_query.register(on_mark, Mark.filter(), flags=READ_ONLY)
    router.callback_query.register(
        on_all_present, act(F.action == LessonAction.ALL), flags=READ_ONLY
    )
    router.callback_query.register(on_save, act(F.action == LessonAction.SAVE))
    return router
