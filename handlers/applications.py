"""Applications as their people see them: the list, the card with history, withdrawal."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import Menu
from handlers.ui import button, keyboard, show
from models import ApplicationEvent, Person
from models.enums import ApplicationState, Role
from services import consent, enrollment
from services.clock import Clock
from services.enrollment import ApplicationLine
from services.errors import Forbidden
from services.i18n import Html, Text
from services.people import Actor

router = Router(name="applications")

STATE_ICONS = {
    ApplicationState.SUBMITTED: "📨",
    ApplicationState.AWAITING_PARENT: "👪",
    ApplicationState.AWAITING_SCHOOL: "🏫",
    ApplicationState.ENROLLED: "✅",
    ApplicationState.WAITLISTED: "⏳",
    ApplicationState.DECLINED_BY_PARENT: "🚫",
    ApplicationState.REJECTED: "❌",
    ApplicationState.WITHDRAWN: "↩️",
    ApplicationState.EXPIRED: "⌛",
    ApplicationState.GROUP_CANCELLED: "🚫",
}
LIST_LIMIT = 30  # buttons on one screen; older applications stay visible in their history


class AppOpen(CallbackData, prefix="app"):
    id: int


class ConsentGive(CallbackData, prefix="cgive"):
    """A parent consents to data processing for a child (then back to the application)."""

    child: int
    app: int = 0


class AppAct(CallbackData, prefix="act"):
    id: int
    action: str  # withdraw_ask | withdraw | confirm | decline | approve | reject


def state_label(tr: Text, state: ApplicationState) -> str:
    return f"{STATE_ICONS[state]} {tr(f'state-{state.value}')}"


def line_button(
    tr: Text, line: ApplicationLine, *, with_student: bool = False
) -> InlineKeyboardButton:
    app = line.application
    who = f"{line.student_name} · " if with_student else ""
    return button(
        f"{STATE_ICONS[app.state]} {who}{line.course_title} ({line.group_code})", AppOpen(id=app.id)
    )


def application_text(tr: Text, line: ApplicationLine, events: list[ApplicationEvent]) -> Html:
    app = line.application
    history = []
    for e in events:
        history.append(
            tr(
                "app-history-line",
                when=tr.datetime(e.created_at),
                state=tr(f"state-{e.to_state.value}"),
                who=tr(f"role-{e.actor_role.value}") if e.actor_role else tr("app-by-system"),
            )
        )
        if e.reason:
            history.append("    " + tr("app-history-reason", reason=e.reason))
    return Html(
        tr(
            "app-card",
            student=line.student_name,
            course=line.course_title,
            group=line.group_code,
            provider=line.provider,
            state=state_label(tr, app.state),
        )
        + "\n\n"
        + tr("app-history")
        + "\n"
        + "\n".join(history)
    )


def _back_for(person: Person) -> CallbackData:
    return {
        Role.PARENT: Menu(action="children"),
        Role.COORDINATOR: Menu(action="review"),
    }.get(person.active_role, Menu(action="applications"))  # type: ignore[arg-type]


async def show_application(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    application_id: int,
    notice: str = "",
) -> None:
    """The card, with the buttons this person may use on it now."""
    line, events = await enrollment.application_detail(session, actor, application_id)
    app = line.application
    allowed = await enrollment.allowed_actions(session, actor, app)
    Act = enrollment.Action
    rows = []
    needs_data_consent = Act.CONFIRM in allowed and not await consent.active(
        session, actor.person_id, app.student_id
    )
    if needs_data_consent:  # a separate step, before the child's data is used
        rows.append([button(tr("btn-consent-give"), ConsentGive(child=app.student_id, app=app.id))])
        rows.append([button(tr("btn-decline"), AppAct(id=app.id, action=Act.DECLINE))])
    elif Act.CONFIRM in allowed:
        rows.append(
            [
                button(tr("btn-confirm"), AppAct(id=app.id, action=Act.CONFIRM)),
                button(tr("btn-decline"), AppAct(id=app.id, action=Act.DECLINE)),
            ]
        )
    if Act.APPROVE in allowed:
        rows.append(
            [
                button(tr("btn-approve"), AppAct(id=app.id, action=Act.APPROVE)),
                button(tr("btn-reject"), AppAct(id=app.id, action=Act.REJECT)),
            ]
        )
    if Act.WITHDRAW in allowed:
        rows.append([button(tr("btn-withdraw"), AppAct(id=app.id, action="withdraw_ask"))])
    rows.append([button(tr("btn-back"), _back_for(person))])
    text = application_text(tr, line, events)
    if Act.APPROVE in allowed:
        clashing = await enrollment.clashes(session, app.student_id, app.group_id)
        if clashing:
            text = Html(text + "\n\n" + tr("review-clash", courses=", ".join(clashing)))
    if needs_data_consent:
        text = Html(
            text
            + "\n\n"
            + tr("consent-data", version=consent.DATA_CONSENT_VERSION, child=line.student_name)
        )
    elif Act.CONFIRM in allowed:
        text = Html(text + "\n\n" + tr("consent-application", version=enrollment.CONSENT_VERSION))
    if notice:
        text = Html(notice + "\n\n" + text)
    await show(event, text, keyboard(*rows))


@router.message(Command("applications"))
@router.callback_query(Menu.filter(F.action == "applications"))
async def on_my_applications(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """A student's own applications, newest first."""
    if not actor.has(Role.STUDENT):
        raise Forbidden("error-students-only")
    lines = await enrollment.student_applications(session, actor.person_id)
    rows = [[line_button(tr, line)] for line in lines[:LIST_LIMIT]]
    rows.append(
        [
            button(tr("btn-catalogue"), Menu(action="catalogue")),
            button(tr("btn-menu"), Menu(action="home")),
        ]
    )
    text = tr("apps-title", count=len(lines)) if lines else tr("apps-empty")
    await show(event, text, keyboard(*rows))


@router.callback_query(AppOpen.filter())
async def on_open(
    query: CallbackQuery,
    callback_data: AppOpen,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
) -> None:
    """An application's card; leaves any half-typed reason behind."""
    await state.clear()
    await show_application(query, session, tr, person, actor, callback_data.id)


@router.callback_query(AppAct.filter(F.action == "withdraw_ask"))
async def on_withdraw_ask(
    query: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
) -> None:
    """Withdrawing cannot be undone: ask once more."""
    await enrollment.require_action(session, actor, callback_data.id, enrollment.Action.WITHDRAW)
    await show(
        query,
        tr("withdraw-ask"),
        keyboard(
            [
                button(tr("btn-withdraw-yes"), AppAct(id=callback_data.id, action="withdraw")),
                button(tr("btn-cancel"), AppOpen(id=callback_data.id)),
            ]
        ),
    )


@router.callback_query(AppAct.filter(F.action == "withdraw"))
async def on_withdraw(
    query: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
) -> None:
    await enrollment.withdraw(session, actor, callback_data.id, clock.now())
    await show_application(
        query, session, tr, person, actor, callback_data.id, notice=tr("withdraw-done")
    )
