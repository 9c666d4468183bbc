"""Changing the timetable from a phone: cancelling or moving a lesson (with a reason everyone
concerned reads) and adding an extra lesson to a group."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_card import (
    GroupAct,
    GroupAction,
    LessonAct,
    LessonAction,
    LessonOpen,
    show_lesson,
)
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, typed_text
from services import lessons, messaging
from services.actor import Actor
from services.clock import Clock
from services.errors import Conflict
from services.i18n import Label, Text

MOVE_DAYS_AHEAD = 21


class DayFor(StrEnum):
    MOVE = "move"  # the new day of a lesson
    ADD = "add"  # the day of an extra lesson


class PickDay(CallbackData, prefix="day"):
    target: DayFor
    id: int  # lesson for a move, group for an extra lesson
    day: int  # date as yyyymmdd


class Prompt(StatesGroup):
    cancel_reason = State()
    move_time = State()
    move_place = State()
    move_reason = State()
    add_times = State()
    add_place = State()


def _day_buttons(
    tr: Text, target: DayFor, obj_id: int, first: date
) -> list[list[InlineKeyboardButton]]:
    days = [first + timedelta(days=n) for n in range(MOVE_DAYS_AHEAD)]
    buttons = [
        button(
            Label(f"{tr.weekday(d.weekday(), short=True)} {d.day:02d}.{d.month:02d}"),
            PickDay(target=target, id=obj_id, day=int(d.strftime("%Y%m%d"))),
        )
        for d in days
    ]
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]


def _picked_day(value: int) -> date:
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        raise Conflict("error-stale-button") from None


# --- cancel ------------------------------------------------------------------------------------


async def on_cancel_ask(
    _: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Cancelling needs a reason everyone concerned will read."""
    await lessons.changeable(session, actor, callback_data.id, clock.now())
    await state.set_state(Prompt.cancel_reason)
    await state.update_data(lesson_id=callback_data.id)
    reply.show(
        tr("cancel-ask-reason"),
        keyboard([button(tr.label("btn-back"), LessonOpen(id=callback_data.id))]),
    )


async def on_cancel_reason(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """What cancelling does and to how many people, before it is done."""
    lesson_id = (await state.get_data())["lesson_id"]
    reason = lessons.clean_reason(message.text or "")
    await state.update_data(reason=reason)
    info = await lessons.lesson_info(session, lesson_id)
    told = len(await lessons.concerned(session, info, actor.person_id))
    reply.send(
        tr(
            "cancel-confirm",
            course=info.course.title,
            group=info.group.code,
            when=tr.datetime(info.lesson.starts_at),
            reason=reason,
            count=told,
        ),
        keyboard(
            [
                button(
                    tr.label("btn-cancel-yes"),
                    LessonAct(id=lesson_id, action=LessonAction.CANCEL_YES),
                )
            ],
            [button(tr.label("btn-back"), LessonOpen(id=lesson_id))],
        ),
    )


async def on_cancel_yes(
    _: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    data = await state.get_data()
    if data.get("lesson_id") != callback_data.id or "reason" not in data:
        raise Conflict("error-stale-button")
    await lessons.cancel_lesson(session, actor, callback_data.id, data["reason"], clock.now())
    await state.clear()
    await show_lesson(reply, session, tr, actor, clock, callback_data.id, notice=tr("cancel-done"))


# --- move --------------------------------------------------------------------------------------


async def on_move_ask(
    _: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Moving: a day, then the time, then the place, then the reason."""
    info = await lessons.changeable(session, actor, callback_data.id, clock.now())
    await state.clear()
    first = clock.now().astimezone(info.timezone).date()
    rows = _day_buttons(tr, DayFor.MOVE, callback_data.id, first)
    rows.append([button(tr.label("btn-back"), LessonOpen(id=callback_data.id))])
    reply.show(tr("move-ask-day", zone=info.provider.timezone), keyboard(*rows))


async def on_move_day(
    _: CallbackQuery,
    callback_data: PickDay,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    info = await lessons.lesson_info(session, callback_data.id)
    lessons.require_manager(actor, info)
    day = _picked_day(callback_data.day)
    await state.set_state(Prompt.move_time)
    await state.update_data(lesson_id=callback_data.id, day=day.isoformat())
    reply.show(
        tr("move-ask-time", day=tr.day(day)),
        keyboard([button(tr.label("btn-back"), LessonOpen(id=callback_data.id))]),
    )


async def on_move_time(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
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
    lesson_id = data["lesson_id"]
    reply.send(
        tr("move-ask-place"),
        keyboard(
            [
                button(
                    tr.label("btn-same-place"),
                    LessonAct(id=lesson_id, action=LessonAction.SAME_PLACE),
                )
            ],
            [button(tr.label("btn-back"), LessonOpen(id=lesson_id))],
        ),
    )


async def _ask_move_reason(reply: Reply, tr: Text, state: FSMContext, place: str) -> None:
    await state.update_data(place=place)
    await state.set_state(Prompt.move_reason)
    lesson_id = (await state.get_data())["lesson_id"]
    reply.send(
        tr("move-ask-reason"),
        keyboard([button(tr.label("btn-back"), LessonOpen(id=lesson_id))]),
    )


async def on_move_place(message: Message, tr: Text, state: FSMContext, reply: Reply) -> None:
    await _ask_move_reason(reply, tr, state, lessons.clean_place(message.text or ""))


async def on_move_same_place(_: CallbackQuery, tr: Text, state: FSMContext, reply: Reply) -> None:
    await _ask_move_reason(reply, tr, state, "")


async def on_move_reason(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The whole move, and to how many people it will be told, before it is done."""
    reason = lessons.clean_reason(message.text or "")
    data = await state.get_data()
    day, start = date.fromisoformat(data["day"]), lessons.parse_time(data["time"])
    info = await lessons.check_move(
        session, actor, data["lesson_id"], day=day, start=start, now=clock.now()
    )
    await state.update_data(reason=reason)
    moved_to = datetime.combine(day, start, info.timezone)
    told = len(await lessons.concerned(session, info, actor.person_id))
    reply.send(
        tr(
            "move-confirm",
            course=info.course.title,
            group=info.group.code,
            old=tr.datetime(info.lesson.starts_at),
            new=tr.datetime(moved_to),
            place=data.get("place") or info.lesson.place or "—",
            reason=reason,
            count=told,
        ),
        keyboard(
            [
                button(
                    tr.label("btn-move-yes"),
                    LessonAct(id=info.lesson.id, action=LessonAction.MOVE_YES),
                )
            ],
            [button(tr.label("btn-back"), LessonOpen(id=info.lesson.id))],
        ),
    )


async def on_move_yes(
    _: CallbackQuery,
    callback_data: LessonAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Move the lesson; everyone concerned is told at once."""
    data = await state.get_data()
    if data.get("lesson_id") != callback_data.id or "reason" not in data:
        raise Conflict("error-stale-button")
    info = await lessons.move_lesson(
        session,
        actor,
        data["lesson_id"],
        day=date.fromisoformat(data["day"]),
        start=lessons.parse_time(data["time"]),
        place=data.get("place", ""),
        reason=data["reason"],
        now=clock.now(),
    )
    await state.clear()
    await show_lesson(reply, session, tr, actor, clock, info.lesson.id, notice=tr("move-done"))


# --- an extra lesson ---------------------------------------------------------------------------


async def on_add_ask(
    _: CallbackQuery,
    callback_data: GroupAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """An extra lesson: a day, then "15:00-16:30", then the place."""
    group = await messaging.require_teacher_of(session, actor, callback_data.id)
    await state.clear()
    rows = _day_buttons(tr, DayFor.ADD, group.id, clock.now().astimezone(tr.tz).date())
    rows.append([button(tr.label("btn-back"), Menu(action=Screen.GROUPS))])
    reply.show(tr("add-ask-day", group=group.code), keyboard(*rows))


async def on_add_day(
    _: CallbackQuery,
    callback_data: PickDay,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    await messaging.require_teacher_of(session, actor, callback_data.id)
    day = _picked_day(callback_data.day)
    await state.set_state(Prompt.add_times)
    await state.update_data(group_id=callback_data.id, day=day.isoformat())
    reply.show(
        tr("add-ask-times", day=tr.day(day)),
        keyboard([button(tr.label("btn-back"), Menu(action=Screen.GROUPS))]),
    )


async def on_add_times(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
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
    reply.send(
        tr("move-ask-place"),
        keyboard(
            [
                button(
                    tr.label("btn-same-place"),
                    GroupAct(id=data["group_id"], action=GroupAction.SAME_PLACE),
                )
            ],
            [button(tr.label("btn-back"), Menu(action=Screen.GROUPS))],
        ),
    )


async def _add_extra(
    place: str,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
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
    await show_lesson(reply, session, tr, actor, clock, info.lesson.id, notice=tr("add-done"))


async def on_add_place(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    await _add_extra(message.text or "", session, tr, actor, clock, state, reply)


async def on_add_same_place(
    _: CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    await _add_extra("", session, tr, actor, clock, state, reply)


def setup() -> Router:
    router = Router(name="lesson_changes")
    router.callback_query.filter(only_buttons_of(LessonAct, GroupAct, PickDay))
    lesson, group = LessonAct.filter, GroupAct.filter
    cb, msg = router.callback_query.register, router.message.register
    cb(on_cancel_ask, lesson(F.action == LessonAction.CANCEL), flags=READ_ONLY)
    msg(on_cancel_reason, Prompt.cancel_reason, typed_text, flags=READ_ONLY)
    cb(on_cancel_yes, lesson(F.action == LessonAction.CANCEL_YES))
    cb(on_move_ask, lesson(F.action == LessonAction.MOVE), flags=READ_ONLY)
    cb(on_move_day, PickDay.filter(F.target == DayFor.MOVE), flags=READ_ONLY)
    msg(on_move_time, Prompt.move_time, typed_text, flags=READ_ONLY)
    msg(on_move_place, Prompt.move_place, typed_text, flags=READ_ONLY)
    cb(
        on_move_same_place,
        Prompt.move_place,
        lesson(F.action == LessonAction.SAME_PLACE),
        flags=READ_ONLY,
    )
    msg(on_move_reason, Prompt.move_reason, typed_text, flags=READ_ONLY)
    cb(on_move_yes, Prompt.move_reason, lesson(F.action == LessonAction.MOVE_YES))
    cb(on_add_ask, group(F.action == GroupAction.ADD), flags=READ_ONLY)
    cb(on_add_day, PickDay.filter(F.target == DayFor.ADD), flags=READ_ONLY)
    msg(on_add_times, Prompt.add_times, typed_text, flags=READ_ONLY)
    msg(on_add_place, Prompt.add_place, typed_text)
    cb(on_add_same_place, Prompt.add_place, group(F.action == GroupAction.SAME_PLACE))
    return router
