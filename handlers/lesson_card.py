"""A lesson's card and the buttons of the teaching flows that act on lessons and groups.

The public surface of the teaching flows: the lesson list, the roster, changes to lessons
and messages to a group all show the card and press these buttons; each flow handles its own
actions.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_view import lesson_card
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import button, keyboard
from models.enums import LessonStatus
from services import lessons, seats
from services.actor import Actor
from services.clock import Clock
from services.i18n import Html, Text


class LessonOpen(CallbackData, prefix="les"):
    id: int


class LessonAction(StrEnum):
    ROLL = "roll"  # the roster (handlers/roster.py)
    ALL = "all"
    SAVE = "save"
    CANCEL = "cancel"  # changes (handlers/lesson_changes.py)
    CANCEL_YES = "cancel_yes"
    MOVE = "move"
    MOVE_YES = "move_yes"
    SAME_PLACE = "same_place"


class LessonAct(CallbackData, prefix="lact"):
    id: int
    action: LessonAction


class GroupAction(StrEnum):
    WRITE = "write"  # a message to the group (handlers/group_messages.py)
    STUDENTS = "students"
    PARENTS = "parents"
    ADD = "add"  # an extra lesson (handlers/lesson_changes.py)
    SAME_PLACE = "same_place"


class GroupAct(CallbackData, prefix="grp"):
    id: int
    action: GroupAction


async def show_lesson(
    reply: Reply,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    lesson_id: int,
    notice: Html | None = None,
) -> None:
    """The card with what its reader may do to the lesson now."""
    info = await lessons.lesson_info(session, lesson_id)
    lessons.require_manager(actor, info)
    enrolled = await seats.count(session, info.group.id)
    text = lesson_card(tr, info, await lessons.history(session, lesson_id), enrolled)
    if notice:
        text = Html(notice + "\n\n" + text)
    rows: list[list[InlineKeyboardButton]] = []
    if info.lesson.status != LessonStatus.CANCELLED:
        rows.append(
            [button(tr.label("btn-attendance"), LessonAct(id=lesson_id, action=LessonAction.ROLL))]
        )
        if info.lesson.ends_at > clock.now():  # what has ended can be marked, not changed
            rows.append(
                [
                    button(
                        tr.label("btn-cancel-lesson"),
                        LessonAct(id=lesson_id, action=LessonAction.CANCEL),
                    ),
                    button(
                        tr.label("btn-move-lesson"),
                        LessonAct(id=lesson_id, action=LessonAction.MOVE),
                    ),
                ]
            )
    rows.append(
        [button(tr.label("btn-write-group"), GroupAct(id=info.group.id, action=GroupAction.WRITE))]
    )
    rows.append([button(tr.label("btn-back"), Menu(action=Screen.WEEK))])
    reply.show(text, keyboard(*rows))
