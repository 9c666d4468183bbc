"""Deciding on applications: the student's list, a card opened, withdrawing, the parent's
confirmation or refusal, the home school's approval or rejection."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.application_card import AppAct, AppAction, AppOpen, line_button, show_application
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, typed_text
from models import Person
from models.enums import Role
from services import consent, enrollment, people
from services.actor import Actor
from services.clock import Clock
from services.errors import Forbidden
from services.i18n import Text
from services.names import Named

LIST_LIMIT = 30  # buttons on one screen; older applications stay visible in their history


class Reason(StatesGroup):
    """A reason being typed: a parent's (optional) for declining, a school's for rejecting."""

    decline = State()
    reject = State()


class SkipReason(CallbackData, prefix="skip"):
    id: int


async def on_my_applications(
    _: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, reply: Reply
) -> None:
    """A student's own applications, newest first."""
    if not actor.has(Role.STUDENT):
        raise Forbidden("error-students-only")
    lines = await enrollment.student_applications(session, actor.person_id)
    rows = [[line_button(line)] for line in lines[:LIST_LIMIT]]
    rows.append([button(tr.label("btn-catalogue"), Menu(action=Screen.CATALOGUE)), home_button(tr)])
    text = tr("apps-title", count=len(lines)) if lines else tr("apps-empty")
    reply.show(text, keyboard(*rows))


async def on_open(
    _: CallbackQuery,
    callback_data: AppOpen,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
) -> None:
    """An application's card; leaves any half-typed reason behind."""
    await state.clear()
    await show_application(reply, session, tr, person, actor, callback_data.id, now=clock.now())


async def on_withdraw_ask(
    _: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    reply: Reply,
) -> None:
    """Withdrawing cannot be undone: ask once more."""
    await enrollment.require_action(session, actor, callback_data.id, enrollment.Action.WITHDRAW)
    reply.show(
        tr("withdraw-ask"),
        keyboard(
            [
                button(
                    tr.label("btn-withdraw-yes"),
                    AppAct(id=callback_data.id, action=AppAction.WITHDRAW),
                ),
                button(tr.label("btn-cancel"), AppOpen(id=callback_data.id)),
            ]
        ),
    )


async def on_withdraw(
    _: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    await enrollment.withdraw(session, actor, callback_data.id, clock.now())
    await show_application(
        reply,
        session,
        tr,
        person,
        actor,
        callback_data.id,
        notice=tr("withdraw-done"),
        now=clock.now(),
    )


# --- the parent ------------------------------------------------------------------------------


async def on_confirm(
    _: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """The parent consents; the school reviews next. Pressed on a card that said so, it also
    gives the consent to the use of the child's data: one decision, not two."""
    await enrollment.parent_confirm(
        session,
        actor,
        callback_data.id,
        clock.now(),
        with_data_consent=callback_data.action == AppAction.CONFIRM_WITH_CONSENT,
    )
    await show_application(
        reply,
        session,
        tr,
        person,
        actor,
        callback_data.id,
        notice=tr("confirm-done"),
        now=clock.now(),
    )


async def on_consent_text(
    _: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    reply: Reply,
) -> None:
    """The consent to the use of the child's data, whole, with the way back to the decision."""
    line, _events = await enrollment.application_detail(session, actor, callback_data.id)
    child = await people.require_self_or_child(session, actor, line.application.student_id)
    reply.show(
        tr("consent-data", version=consent.DATA_CONSENT_VERSION, child=Named.of(child)),
        keyboard([button(tr.label("btn-back"), AppOpen(id=callback_data.id))]),
    )


async def on_decline_ask(
    _: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Ask for an optional reason before declining."""
    await enrollment.require_action(session, actor, callback_data.id, enrollment.Action.DECLINE)
    await state.set_state(Reason.decline)
    await state.update_data(application_id=callback_data.id)
    reply.show(
        tr("decline-ask-reason"),
        keyboard(
            [button(tr.label("btn-skip"), SkipReason(id=callback_data.id))],
            [button(tr.label("btn-cancel"), AppOpen(id=callback_data.id))],
        ),
    )


async def _decline(
    application_id: int,
    reason: str,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
) -> None:
    await enrollment.parent_decline(session, actor, application_id, clock.now(), reason)
    await state.clear()
    await show_application(
        reply,
        session,
        tr,
        person,
        actor,
        application_id,
        notice=tr("decline-done"),
        now=clock.now(),
    )


async def on_decline_skip(
    _: CallbackQuery,
    callback_data: SkipReason,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
) -> None:
    await _decline(callback_data.id, "", session, tr, person, actor, state, clock, reply)


async def on_decline_reason(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
) -> None:
    application_id = (await state.get_data())["application_id"]
    await _decline(
        application_id, message.text or "", session, tr, person, actor, state, clock, reply
    )


# --- the home school -------------------------------------------------------------------------


async def on_approve(
    _: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """Approve: enrolled while seats remain, otherwise waitlisted."""
    app = await enrollment.school_approve(session, actor, callback_data.id, clock.now())
    await show_application(
        reply,
        session,
        tr,
        person,
        actor,
        app.id,
        notice=tr(f"approve-done-{app.state.value}"),
        now=clock.now(),
    )


async def on_reject_ask(
    _: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """A rejection needs a reason the family will read."""
    await enrollment.require_action(session, actor, callback_data.id, enrollment.Action.REJECT)
    await state.set_state(Reason.reject)
    await state.update_data(application_id=callback_data.id)
    reply.show(
        tr("reject-ask-reason"),
        keyboard([button(tr.label("btn-cancel"), AppOpen(id=callback_data.id))]),
    )


async def on_reject_reason(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    reply: Reply,
) -> None:
    application_id = (await state.get_data())["application_id"]
    await enrollment.school_reject(session, actor, application_id, clock.now(), message.text or "")
    await state.clear()
    await show_application(
        reply,
        session,
        tr,
        person,
        actor,
        application_id,
        notice=tr("reject-done"),
        now=clock.now(),
    )


async def on_ask_admin(
    _: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """No agreement lets the guest in: the network admins are asked to arrange one (once)."""
    told = await enrollment.ask_admin_for_agreement(session, actor, callback_data.id, clock.now())
    reply.alert(tr.label("ask-admin-done" if told else "ask-admin-already"))


def _act(action: AppAction) -> CallbackQueryFilter:
    return AppAct.filter(F.action == action)


def setup() -> Router:
    router = Router(name="applications")
    router.callback_query.filter(only_buttons_of(Menu, AppOpen, AppAct, SkipReason))
    router.message.register(on_my_applications, Command("applications"), flags=READ_ONLY)
    router.callback_query.register(
        on_my_applications, Menu.filter(F.action == Screen.APPLICATIONS), flags=READ_ONLY
    )
    router.callback_query.register(on_open, AppOpen.filter(), flags=READ_ONLY)
    router.callback_query.register(on_withdraw_ask, _act(AppAction.WITHDRAW_ASK), flags=READ_ONLY)
    router.callback_query.register(on_withdraw, _act(AppAction.WITHDRAW))
    router.callback_query.register(on_confirm, _act(AppAction.CONFIRM))
    router.callback_query.register(on_confirm, _act(AppAction.CONFIRM_WITH_CONSENT))
    router.callback_query.register(on_consent_text, _act(AppAction.CONSENT_TEXT), flags=READ_ONLY)
    router.callback_query.register(on_decline_ask, _act(AppAction.DECLINE), flags=READ_ONLY)
    router.callback_query.register(on_decline_skip, Reason.decline, SkipReason.filter())
    router.message.register(on_decline_reason, Reason.decline, typed_text)
    router.callback_query.register(on_approve, _act(AppAction.APPROVE))
    router.callback_query.register(on_reject_ask, _act(AppAction.REJECT), flags=READ_ONLY)
    router.callback_query.register(on_ask_admin, _act(AppAction.ASK_ADMIN))
    router.message.register(on_reject_reason, Reason.reject, typed_text)
    return router
