"""Coordinators: the review queue of their own students' applications."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.applications import AppAct, AppOpen, line_button, show_application
from handlers.menu import Menu
from handlers.ui import button, keyboard, show, typed_text
from models import Person
from services import enrollment, groups, people
from services.clock import Clock
from services.i18n import Text
from services.people import Actor

router = Router(name="coordinator")
QUEUE_LIMIT = 30


class RejectReason(StatesGroup):
    reason = State()


@router.message(Command("review"))
@router.callback_query(Menu.filter(F.action == "review"))
async def on_review(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """Applications of own students that the parents have confirmed, oldest first."""
    await state.clear()
    queue = await enrollment.review_queue(session, actor)
    rows = [[line_button(tr, line, with_student=True)] for line in queue[:QUEUE_LIMIT]]
    rows.append([button(tr("btn-menu"), Menu(action="home"))])
    text = tr("review-title", count=len(queue)) if queue else tr("review-empty")
    await show(event, text, keyboard(*rows))


@router.callback_query(AppAct.filter(F.action == enrollment.Action.APPROVE))
async def on_approve(
    query: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
) -> None:
    """Approve: enrolled while seats remain, otherwise waitlisted."""
    app = await enrollment.school_approve(session, actor, callback_data.id, clock.now())
    await show_application(
        query, session, tr, person, actor, app.id, notice=tr(f"approve-done-{app.state.value}")
    )


@router.callback_query(AppAct.filter(F.action == enrollment.Action.REJECT))
async def on_reject_ask(
    query: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """A rejection needs a reason the family will read."""
    await enrollment.require_action(session, actor, callback_data.id, enrollment.Action.REJECT)
    await state.set_state(RejectReason.reason)
    await state.update_data(application_id=callback_data.id)
    await show(
        query,
        tr("reject-ask-reason"),
        keyboard([button(tr("btn-cancel"), AppOpen(id=callback_data.id))]),
    )


@router.message(RejectReason.reason, typed_text)
async def on_reject_reason(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    application_id = (await state.get_data())["application_id"]
    await enrollment.school_reject(session, actor, application_id, clock.now(), message.text or "")
    await state.clear()
    await show_application(
        message, session, tr, person, actor, application_id, notice=tr("reject-done")
    )


class GroupDecision(CallbackData, prefix="gdec"):
    """The provider coordinator's decision about a group below its minimum."""

    id: int
    run: bool


@router.callback_query(GroupDecision.filter())
async def on_group_decision(
    query: CallbackQuery,
    callback_data: GroupDecision,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
) -> None:
    """Cancel the group (everyone is told, with other groups suggested) or run it anyway."""
    if callback_data.run:
        await groups.run_anyway(session, actor, callback_data.id, clock.now())
        text = tr("group-run-anyway-done")
    else:
        told = await groups.cancel_group(session, actor, callback_data.id, clock.now())
        text = tr("group-cancelled-done", count=told)
    await show(query, text, keyboard([button(tr("btn-menu"), Menu(action="home"))]))


@router.message(Command("unreachable"))
@router.callback_query(Menu.filter(F.action == "unreachable"))
async def on_unreachable(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """Parents of own students who blocked the bot: the school has to reach them otherwise."""
    found = await people.unreachable_parents(session, actor)
    lines = [
        tr("unreachable-line", parent=u.parent, child=u.child, since=tr.datetime(u.since))
        for u in found[:50]
    ]
    text = "\n".join([tr("unreachable-title", count=len(found)), *lines])
    await show(event, text, keyboard([button(tr("btn-menu"), Menu(action="home"))]))
