"""Teachers on a phone: today's and this week's lessons, attendance in a few taps,
cancelling or moving a lesson, an extra lesson, and writing to a group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_view import button_label, lesson_card
from handlers.menu import Menu
from handlers.ui import button, keyboard, show, typed_text
from models import Person
from models.enums import AttendanceStatus, LessonStatus
from services import attendance, lessons, messaging
from services.clock import Clock
from services.errors import Conflict
from services.i18n import Html, Text
from services.people import Actor

router = Router(name="teaching")

MARK_ICONS = {
    None: "▫️",
    AttendanceStatus.PRESENT: "✅",
    AttendanceStatus.ABSENT: "❌",
    AttendanceStatus.LATE: "⏰",
    AttendanceStatus.EXCUSED: "📝",
}
MOVE_DAYS_AHEAD = 21
WEEK = timedelta(days=7)
LIST_LIMIT = 60
ROSTER_LIMIT = 95  # buttons; Telegram allows 100 in one keyboard


class LessonOpen(CallbackData, prefix="les"):
    id: int


class LessonAct(CallbackData, prefix="lact"):
    id: int
    action: str  # roll | all | save | cancel | cancel_yes | move | move_yes | same_place


class Mark(CallbackData, prefix="mark"):
    lesson: int
    student: int


class PickDay(CallbackData, prefix="day"):
    target: str  # move | add
    id: int  # lesson for a move, group for an extra lesson
    day: int  # date as yyyymmdd


class GroupAct(CallbackData, prefix="grp"):
    id: int
    action: str  # write | add | students | parents


class Prompt(StatesGroup):
    cancel_reason = State()
    move_time = State()
    move_place = State()
    move_reason = State()
    add_times = State()
    add_place = State()
    write_text = State()


def _today_start(clock: Clock, tr: Text) -> datetime:
    today = clock.now().astimezone(tr.tz).date()
    return datetime.combine(today, datetime.min.time(), tr.tz)


@router.message(Command("today"))
@router.callback_query(Menu.filter(F.action == "today"))
async def on_today(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
) -> None:
    """Today's lessons: a teacher's own, or a coordinator's organisation's."""
    start = _today_start(clock, tr)
    found = await lessons.lessons_for_staff(
        session, actor, person.active_role, start, start + timedelta(days=1)
    )
    await _show_list(
        event, tr, tr("today-title", day=tr.date(start.date()), count=len(found)), found
    )


@router.message(Command("week"))
@router.callback_query(Menu.filter(F.action == "week"))
async def on_week(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
) -> None:
    """The past seven days (attendance can still be marked) and the next seven."""
    today = _today_start(clock, tr)
    found = await lessons.lessons_for_staff(
        session, actor, person.active_role, today - WEEK, today + WEEK
    )
    await _show_list(event, tr, tr("week-title", count=len(found)), found)


async def _show_list(
    event: Message | CallbackQuery, tr: Text, title: str, found: list[lessons.LessonInfo]
) -> None:
    rows = [
        [button(button_label(tr, info), LessonOpen(id=info.lesson.id))]
        for info in found[:LIST_LIMIT]
    ]
    rows.append(
        [button(tr("btn-today"), Menu(action="today")), button(tr("btn-week"), Menu(action="week"))]
    )
    rows.append([button(tr("btn-menu"), Menu(action="home"))])
    await show(event, title, keyboard(*rows))


async def _show_lesson(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    lesson_id: int,
    notice: str = "",
) -> None:
    info = await lessons.lesson_info(session, lesson_id)
    lessons.require_manager(actor, info)
    enrolled = len(await lessons.enrolled_student_ids(session, info.group.id))
    text = lesson_card(tr, info, await lessons.history(session, lesson_id), enrolled)
    if notice:
        text = Html(notice + "\n\n" + text)
    rows: list[list[InlineKeyboardButton]] = []
    if info.lesson.status != LessonStatus.CANCELLED:
        rows.append([button(tr("btn-attendance"), LessonAct(id=lesson_id, action="roll"))])
        if info.lesson.ends_at > clock.now():  # what has ended can be marked, not changed
            rows.append(
                [
                    button(tr("btn-cancel-lesson"), LessonAct(id=lesson_id, action="cancel")),
                    button(tr("btn-move-lesson"), LessonAct(id=lesson_id, action="move")),
                ]
            )
    rows.append([button(tr("btn-write-group"), GroupAct(id=info.group.id, action="write"))])
    rows.append([button(tr("btn-back"), Menu(action="week"))])
    await show(event, text, keyboard(*rows))


@router.callback_query(LessonOpen.filter())
async def on_lesson(
    query: CallbackQuery,
    callback_data: LessonOpen,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """A lesson's card with what can be done to it."""
    await state.clear()
    await _show_lesson(query, session, tr, actor, clock, callback_data.id)


# --- attendance ------------------------------------------------------------------------------


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


def _roster_markup(
    tr: Text, roll: Roll, draft: dict[int, AttendanceStatus]
) -> InlineKeyboardMarkup:
    rows = []
    for line in roll.lines[:ROSTER_LIMIT]:
        icon = MARK_ICONS[draft.get(line.student_id, line.status)]
        label = f"{icon} {line.name} · {line.school}"
        rows.append([button(label, Mark(lesson=roll.lesson_id, student=line.student_id))])
    rows.append(
        [
            button(tr("btn-all-present"), LessonAct(id=roll.lesson_id, action="all")),
            button(tr("btn-save"), LessonAct(id=roll.lesson_id, action="save")),
        ]
    )
    rows.append([button(tr("btn-back"), LessonOpen(id=roll.lesson_id))])
    return keyboard(*rows)


async def _marking(
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    lesson_id: int,
    now: datetime,
) -> tuple[Roll, dict[int, AttendanceStatus], dict[str, Any]]:
    """The roster being marked, its unsaved marks and the state they came from: from the
    conversation's state when this lesson is the one being marked, else read (and checked)
    afresh."""
    data = await state.get_data()
    draft = _unsaved(data, lesson_id)
    if data.get("roll_lesson") == lesson_id and "roll_view" in data:
        return Roll.load(data["roll_view"]), draft, data
    roll = Roll.of(await attendance.roster(session, actor, lesson_id, now))
    return roll, draft, data


def _unsaved(data: dict[str, Any], lesson_id: int) -> dict[int, AttendanceStatus]:
    """Marks tapped but not saved yet, if `lesson_id` is the lesson being marked."""
    if data.get("roll_lesson") != lesson_id:
        return {}
    return {int(k): AttendanceStatus(v) for k, v in data.get("roll", {}).items()}


async def _keep(
    state: FSMContext, data: dict[str, Any], roll: Roll, draft: dict[int, AttendanceStatus]
) -> None:
    """The roster and its unsaved marks written back in one go (one trip to Redis)."""
    view = data["roll_view"] if data.get("roll_lesson") == roll.lesson_id else roll.dump()
    await state.set_data(
        {**data, "roll_lesson": roll.lesson_id, "roll_view": view, "roll": _dump(draft)}
    )


def _dump(draft: dict[int, AttendanceStatus]) -> dict[str, str]:
    return {str(k): v.value for k, v in draft.items()}


async def _show_roster(
    query: CallbackQuery, tr: Text, roll: Roll, draft: dict[int, AttendanceStatus]
) -> None:
    text = tr(
        "roll-title",
        course=roll.course,
        group=roll.group,
        when=tr.datetime(roll.starts_at),
        count=len(roll.lines),
    )
    await show(query, text, _roster_markup(tr, roll, draft))


@router.callback_query(LessonAct.filter(F.action == "roll"))
async def on_roll(
    query: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """The roster: one button per student; a tap moves to the next mark."""
    await state.clear()
    roll = Roll.of(await attendance.roster(session, actor, callback_data.id, clock.now()))
    await _keep(state, {}, roll, {})
    await _show_roster(query, tr, roll, {})


@router.callback_query(Mark.filter())
async def on_mark(
    query: CallbackQuery,
    callback_data: Mark,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    roll, draft, data = await _marking(state, session, actor, callback_data.lesson, clock.now())
    saved = {line.student_id: line.status for line in roll.lines}
    if callback_data.student not in saved:
        raise Conflict("error-not-in-roster")
    current = draft.get(callback_data.student, saved[callback_data.student])
    draft[callback_data.student] = attendance.next_status(current)
    await _keep(state, data, roll, draft)
    await _show_roster(query, tr, roll, draft)


@router.callback_query(LessonAct.filter(F.action == "all"))
async def on_all_present(
    query: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    roll, _, data = await _marking(state, session, actor, callback_data.id, clock.now())
    draft = {line.student_id: AttendanceStatus.PRESENT for line in roll.lines}
    await _keep(state, data, roll, draft)
    await _show_roster(query, tr, roll, draft)


@router.callback_query(LessonAct.filter(F.action == "save"))
async def on_save(
    query: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """Save the marks; parents of absent students are told."""
    draft = _unsaved(await state.get_data(), callback_data.id)
    told = await attendance.save_attendance(session, actor, callback_data.id, draft, clock.now())
    await state.clear()
    notice = tr("roll-saved", count=len(draft), told=told)
    await _show_lesson(query, session, tr, actor, clock, callback_data.id, notice=notice)


# --- cancel and move -------------------------------------------------------------------------


@router.callback_query(LessonAct.filter(F.action == "cancel"))
async def on_cancel_ask(
    query: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """Cancelling needs a reason everyone concerned will read."""
    await lessons.changeable(session, actor, callback_data.id, clock.now())
    await state.set_state(Prompt.cancel_reason)
    await state.update_data(lesson_id=callback_data.id)
    await show(
        query,
        tr("cancel-ask-reason"),
        keyboard([button(tr("btn-back"), LessonOpen(id=callback_data.id))]),
    )


@router.message(Prompt.cancel_reason, typed_text)
async def on_cancel_reason(message: Message, tr: Text, state: FSMContext) -> None:
    lesson_id = (await state.get_data())["lesson_id"]
    reason = lessons.clean_reason(message.text or "")
    await state.update_data(reason=reason)
    await message.answer(
        tr("cancel-confirm", reason=reason),
        reply_markup=keyboard(
            [button(tr("btn-cancel-yes"), LessonAct(id=lesson_id, action="cancel_yes"))],
            [button(tr("btn-back"), LessonOpen(id=lesson_id))],
        ),
    )


@router.callback_query(LessonAct.filter(F.action == "cancel_yes"))
async def on_cancel_yes(
    query: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    if data.get("lesson_id") != callback_data.id or "reason" not in data:
        raise Conflict("error-stale-button")
    await lessons.cancel_lesson(session, actor, callback_data.id, data["reason"], clock.now())
    await state.clear()
    await _show_lesson(query, session, tr, actor, clock, callback_data.id, notice=tr("cancel-done"))


def _day_buttons(
    tr: Text, target: str, obj_id: int, first: date
) -> list[list[InlineKeyboardButton]]:
    days = [first + timedelta(days=n) for n in range(MOVE_DAYS_AHEAD)]
    buttons = [
        button(
            f"{tr.weekday(d.weekday(), short=True)} {d.day:02d}.{d.month:02d}",
            PickDay(target=target, id=obj_id, day=int(d.strftime("%Y%m%d"))),
        )
        for d in days
    ]
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]


@router.callback_query(LessonAct.filter(F.action == "move"))
async def on_move_ask(
    query: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """Moving: a day, then the time, then the place, then the reason."""
    info = await lessons.changeable(session, actor, callback_data.id, clock.now())
    await state.clear()
    first = clock.now().astimezone(info.timezone).date()
    rows = _day_buttons(tr, "move", callback_data.id, first)
    rows.append([button(tr("btn-back"), LessonOpen(id=callback_data.id))])
    await show(query, tr("move-ask-day", zone=info.provider.timezone), keyboard(*rows))


def _picked_day(value: int) -> date:
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        raise Conflict("error-stale-button") from None


@router.callback_query(PickDay.filter(F.target == "move"))
async def on_move_day(
    query: CallbackQuery,
    callback_data: PickDay,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    info = await lessons.lesson_info(session, callback_data.id)
    lessons.require_manager(actor, info)
    day = _picked_day(callback_data.day)
    await state.set_state(Prompt.move_time)
    await state.update_data(lesson_id=callback_data.id, day=day.isoformat())
    await show(
        query,
        tr("move-ask-time", day=tr.date(day)),
        keyboard([button(tr("btn-back"), LessonOpen(id=callback_data.id))]),
    )


@router.message(Prompt.move_time, typed_text)
async def on_move_time(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """The new time is checked at once (not in the past, no clash) so it can be retyped."""
    start = lessons.parse_time(message.text or "")
    data = await state.get_data()
    await lessons.check_move(
        session,
        actor,
        data["lesson_id"],
        day=date.fromisoformat(data["day"]),
        start=start,
        now=clock.now(),
    )
    await state.update_data(time=start.strftime("%H:%M"))
    await state.set_state(Prompt.move_place)
    lesson_id = (await state.get_data())["lesson_id"]
    await message.answer(
        tr("move-ask-place"),
        reply_markup=keyboard(
            [button(tr("btn-same-place"), LessonAct(id=lesson_id, action="same_place"))]
        ),
    )


async def _ask_move_reason(message: Message, tr: Text, state: FSMContext, place: str) -> None:
    await state.update_data(place=place)
    await state.set_state(Prompt.move_reason)
    await message.answer(tr("move-ask-reason"))


@router.message(Prompt.move_place, typed_text)
async def on_move_place(message: Message, tr: Text, state: FSMContext) -> None:
    await _ask_move_reason(message, tr, state, lessons.clean_place(message.text or ""))


@router.callback_query(Prompt.move_place, LessonAct.filter(F.action == "same_place"))
async def on_move_same_place(query: CallbackQuery, tr: Text, state: FSMContext) -> None:
    if isinstance(query.message, Message):
        await _ask_move_reason(query.message, tr, state, "")


@router.message(Prompt.move_reason, typed_text)
async def on_move_reason(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """Move the lesson; everyone concerned is told at once."""
    data = await state.get_data()
    info = await lessons.move_lesson(
        session,
        actor,
        data["lesson_id"],
        day=date.fromisoformat(data["day"]),
        start=lessons.parse_time(data["time"]),
        place=data.get("place", ""),
        reason=message.text or "",
        now=clock.now(),
    )
    await state.clear()
    await _show_lesson(message, session, tr, actor, clock, info.lesson.id, notice=tr("move-done"))


# --- groups: an extra lesson, writing to the group ------------------------------------------


@router.callback_query(GroupAct.filter(F.action == "add"))
async def on_add_ask(
    query: CallbackQuery,
    callback_data: GroupAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """An extra lesson: a day, then "15:00-16:30", then the place."""
    group = await messaging.require_teacher_of(session, actor, callback_data.id)
    await state.clear()
    rows = _day_buttons(tr, "add", group.id, clock.now().astimezone(tr.tz).date())
    rows.append([button(tr("btn-back"), Menu(action="groups"))])
    await show(query, tr("add-ask-day", group=group.code), keyboard(*rows))


@router.callback_query(PickDay.filter(F.target == "add"))
async def on_add_day(
    query: CallbackQuery,
    callback_data: PickDay,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    await messaging.require_teacher_of(session, actor, callback_data.id)
    day = _picked_day(callback_data.day)
    await state.set_state(Prompt.add_times)
    await state.update_data(group_id=callback_data.id, day=day.isoformat())
    await show(query, tr("add-ask-times", day=tr.date(day)))


@router.message(Prompt.add_times, typed_text)
async def on_add_times(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    start, end = lessons.parse_time_range(message.text or "")
    data = await state.get_data()
    await lessons.check_new_lesson(
        session,
        actor,
        data["group_id"],
        day=date.fromisoformat(data["day"]),
        start=start,
        end=end,
        now=clock.now(),
    )
    await state.update_data(start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))
    await state.set_state(Prompt.add_place)
    group_id = (await state.get_data())["group_id"]
    await message.answer(
        tr("move-ask-place"),
        reply_markup=keyboard(
            [button(tr("btn-same-place"), GroupAct(id=group_id, action="same_place"))]
        ),
    )


async def _add_extra(
    event: Message | CallbackQuery,
    place: str,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    info = await lessons.add_lesson(
        session,
        actor,
        data["group_id"],
        day=date.fromisoformat(data["day"]),
        start=lessons.parse_time(data["start"]),
        end=lessons.parse_time(data["end"]),
        place=place,
        now=clock.now(),
    )
    await state.clear()
    await _show_lesson(event, session, tr, actor, clock, info.lesson.id, notice=tr("add-done"))


@router.message(Prompt.add_place, typed_text)
async def on_add_place(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    await _add_extra(message, message.text or "", session, tr, actor, clock, state)


@router.callback_query(Prompt.add_place, GroupAct.filter(F.action == "same_place"))
async def on_add_same_place(
    query: CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    await _add_extra(query, "", session, tr, actor, clock, state)


@router.callback_query(GroupAct.filter(F.action == "write"))
async def on_write_ask(
    query: CallbackQuery,
    callback_data: GroupAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """Write to a group: the text first, then who receives it."""
    group = await messaging.require_teacher_of(session, actor, callback_data.id)
    await state.set_state(Prompt.write_text)
    await state.update_data(group_id=group.id)
    await show(
        query,
        tr("write-ask-text", group=group.code, course=group.course.title),
        keyboard([button(tr("btn-back"), Menu(action="groups"))]),
    )


@router.message(Prompt.write_text, typed_text)
async def on_write_text(message: Message, tr: Text, state: FSMContext) -> None:
    text = messaging.clean_message(message.text or "")
    group_id = (await state.get_data())["group_id"]
    await state.update_data(text=text)
    await message.answer(
        tr("write-ask-who"),
        reply_markup=keyboard(
            [button(tr("btn-to-students"), GroupAct(id=group_id, action="students"))],
            [button(tr("btn-to-families"), GroupAct(id=group_id, action="parents"))],
            [button(tr("btn-cancel"), Menu(action="groups"))],
        ),
    )


@router.callback_query(GroupAct.filter(F.action.in_({"students", "parents"})))
async def on_write_send(
    query: CallbackQuery,
    callback_data: GroupAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    if data.get("group_id") != callback_data.id or "text" not in data:
        raise Conflict("error-stale-button")
    count = await messaging.write_to_group(
        session,
        actor,
        callback_data.id,
        data["text"],
        include_parents=callback_data.action == "parents",
        now=clock.now(),
    )
    await state.clear()
    await show(
        query,
        tr("write-done", count=count),
        keyboard([button(tr("btn-menu"), Menu(action="home"))]),
    )
