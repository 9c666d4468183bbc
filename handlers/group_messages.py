"""A teacher's groups, and writing to a group: its students, or its students and parents."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_card import GroupAct, GroupAction
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, typed_text
from services import messaging, staff
from services.actor import Actor
from services.clock import Clock
from services.errors import Conflict
from services.i18n import Html, Text

GROUPS_SHOWN = 40


class Writing(StatesGroup):
    text = State()


async def on_groups(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """A teacher's groups with how many are enrolled and the minimum to run."""
    await state.clear()
    groups = await staff.teacher_groups(session, actor)
    lines = [
        tr(
            "groups-line",
            course=g.course_title,
            code=g.info.code,
            enrolled=g.info.enrolled,
            capacity=g.info.capacity,
            minimum=g.info.min_size,
        )
        for g in groups
    ]
    text = Html("\n\n".join([tr("groups-title", count=len(groups)), *lines]))
    rows = [
        [
            button(
                tr.label("btn-write-to", code=g.info.code),
                GroupAct(id=g.info.id, action=GroupAction.WRITE),
            ),
            button(
                tr.label("btn-extra-lesson", code=g.info.code),
                GroupAct(id=g.info.id, action=GroupAction.ADD),
            ),
        ]
        for g in groups[:GROUPS_SHOWN]
    ]
    rows.append(
        [
            button(tr.label("btn-today"), Menu(action=Screen.TODAY)),
            button(tr.label("btn-week"), Menu(action=Screen.WEEK)),
        ]
    )
    rows.append([home_button(tr)])
    reply.show(text, keyboard(*rows))


async def on_write_ask(
    _: CallbackQuery,
    callback_data: GroupAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Write to a group: the text first, then who receives it."""
    group = await messaging.require_teacher_of(session, actor, callback_data.id)
    await state.set_state(Writing.text)
    await state.update_data(group_id=group.id)
    reply.show(
        tr("write-ask-text", group=group.code, course=group.course.title),
        keyboard([button(tr.label("btn-back"), Menu(action=Screen.GROUPS))]),
    )


async def on_write_text(message: Message, tr: Text, state: FSMContext, reply: Reply) -> None:
    text = messaging.clean_message(message.text or "")
    group_id = (await state.get_data())["group_id"]
    await state.update_data(text=text)
    reply.send(
        tr("write-ask-who"),
        keyboard(
            [
                button(
                    tr.label("btn-to-students"), GroupAct(id=group_id, action=GroupAction.STUDENTS)
                )
            ],
            [
                button(
                    tr.label("btn-to-families"), GroupAct(id=group_id, action=GroupAction.PARENTS)
                )
            ],
            [button(tr.label("btn-cancel"), Menu(action=Screen.GROUPS))],
        ),
    )


async def on_write_send(
    _: CallbackQuery,
    callback_data: GroupAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    data = await state.get_data()
    if data.get("group_id") != callback_data.id or "text" not in data:
        raise Conflict("error-stale-button")
    count = await messaging.write_to_group(
        session,
        actor,
        callback_data.id,
        data["text"],
        include_parents=callback_data.action == GroupAction.PARENTS,
        now=clock.now(),
    )
    await state.clear()
    reply.show(tr("write-done", count=count), keyboard([home_button(tr)]))


def setup() -> Router:
    router = Router(name="group_messages")
    router.callback_query.filter(only_buttons_of(Menu, GroupAct))
    router.message.register(on_groups, Command("groups"), flags=READ_ONLY)
    router.callback_query.register(
        on_groups, Menu.filter(F.action == Screen.GROUPS), flags=READ_ONLY
    )
    router.callback_query.register(
        on_write_ask, GroupAct.filter(F.action == GroupAction.WRITE), flags=READ_ONLY
    )
    router.message.register(on_write_text, Writing.text, typed_text, flags=READ_ONLY)
    router.callback_query.register(
        on_write_send,
        GroupAct.filter(F.action.in_({GroupAction.STUDENTS, GroupAction.PARENTS})),
    )
    return router
