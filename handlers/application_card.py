"""How an application reads: its line in a list, its card with history and the buttons its
reader may use. The public surface of the applications flow (its callbacks included): the
review queue, the parent's screens and the consent flow show applications through it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.lesson_view import slots_text
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import button, keyboard, shows_whole
from models import ApplicationEvent, Person
from models.enums import ApplicationState, Role
from services import catalogue, consent, enrollment
from services.actor import Actor
from services.enrollment import Action, ApplicationLine
from services.i18n import Html, Label, Text

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


class AppAction(StrEnum):
    """What a button on an application's card does; the services check who may."""

    WITHDRAW_ASK = "withdraw_ask"
    WITHDRAW = enrollment.Action.WITHDRAW
    CONFIRM = enrollment.Action.CONFIRM
    CONFIRM_WITH_CONSENT = "confirm_consent"  # the card said confirming gives data consent too
    CONSENT_TEXT = "consent_text"  # the data consent's full text, one tap from the decision
    DECLINE = enrollment.Action.DECLINE
    APPROVE = enrollment.Action.APPROVE
    REJECT = enrollment.Action.REJECT
    ASK_ADMIN = "ask_admin"  # no agreement lets the student in: the network admin is asked


class AppOpen(CallbackData, prefix="app"):
    id: int


class AppAct(CallbackData, prefix="act"):
    id: int
    action: AppAction


class ConsentGive(CallbackData, prefix="cgive"):
    """A parent consents to data processing for a child (then back to the application)."""

    child: int
    app: int = 0


def state_label(tr: Text, state: ApplicationState) -> Html:
    return Html(f"{STATE_ICONS[state]} {tr(f'state-{state.value}')}")


class Whose(StrEnum):
    """How a list names the student of each application."""

    NONE = "none"  # the student's own list
    CHILD = "child"  # a parent's: the child's first name
    STUDENT = "student"  # a coordinator's: the full name


def line_button(line: ApplicationLine, whose: Whose = Whose.NONE) -> InlineKeyboardButton:
    """An application in a list: its state, whose it is, the course and (where a phone shows
    it whole) the group; a long course's title is cut at a word, never the name."""
    app = line.application
    names = line.student_name.split()
    who = {
        Whose.NONE: "",
        Whose.CHILD: (names[1] if len(names) > 1 else line.student_name) + " · ",
        Whose.STUDENT: line.student_name + " · ",
    }[whose]
    base = f"{STATE_ICONS[app.state]} {who}{line.course_title}"
    with_code = f"{base} ({line.group_code})"
    return button(Label(with_code if shows_whole(with_code) else base), AppOpen(id=app.id))


def offer_text(tr: Text, offer: catalogue.Offer) -> Html:
    """Where and when the group meets, and who teaches it: what a family decides on."""
    group = offer.group
    return tr(
        "app-offer",
        provider=offer.provider.name,
        address=offer.provider.address or "—",
        place=group.place or "—",
        teacher=group.teacher or "—",
        slots=slots_text(tr, group.slots, offer.provider.timezone, group.start_date) or "—",
        start=tr.date(group.start_date),
        end=tr.date(group.end_date),
    )


def application_text(
    tr: Text, line: ApplicationLine, events: list[ApplicationEvent], offer: Html | None = None
) -> Html:
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
            history.append(Html("    " + tr("app-history-reason", reason=e.reason)))
    return Html(
        tr(
            "app-card",
            student=line.student_name,
            course=line.course_title,
            group=line.group_code,
            provider=line.provider,
            state=state_label(tr, app.state),
        )
        + (f"\n\n{offer}" if offer else "")
        + "\n\n"
        + tr("app-history")
        + "\n"
        + "\n".join(history)
    )


def back_for(person: Person) -> Menu:
    """Where a card leads back to: the list its reader came from."""
    screen = {Role.PARENT: Screen.CHILDREN, Role.COORDINATOR: Screen.REVIEW}.get(
        person.active_role,  # type: ignore[arg-type]
        Screen.APPLICATIONS,
    )
    return Menu(action=screen)


async def show_application(
    reply: Reply,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    application_id: int,
    notice: Html | None = None,
    *,
    now: datetime,
) -> None:
    """The card, with the buttons this person may use on it now. A coordinator who may
    approve but for an agreement is told why before pressing, and may ask the admin."""
    line, events = await enrollment.application_detail(session, actor, application_id)
    app = line.application
    allowed = await enrollment.allowed_actions(session, actor, app)
    blocked = (
        await enrollment.agreement_refusal(session, app, now) if Action.APPROVE in allowed else None
    )
    rows: list[list[InlineKeyboardButton]] = []
    needs_data_consent = Action.CONFIRM in allowed and not await consent.active(
        session, actor.person_id, app.student_id
    )
    if needs_data_consent:  # one decision: the application and the use of the child's data
        rows.append(
            [
                button(
                    tr.label("btn-confirm"),
                    AppAct(id=app.id, action=AppAction.CONFIRM_WITH_CONSENT),
                ),
                button(tr.label("btn-decline"), AppAct(id=app.id, action=AppAction.DECLINE)),
            ]
        )
        rows.append(
            [button(tr.label("btn-consent-text"), AppAct(id=app.id, action=AppAction.CONSENT_TEXT))]
        )
    elif Action.CONFIRM in allowed:
        rows.append(
            [
                button(tr.label("btn-confirm"), AppAct(id=app.id, action=AppAction.CONFIRM)),
                button(tr.label("btn-decline"), AppAct(id=app.id, action=AppAction.DECLINE)),
            ]
        )
    if Action.APPROVE in allowed:
        first = (
            button(tr.label("btn-ask-admin"), AppAct(id=app.id, action=AppAction.ASK_ADMIN))
            if blocked
            else button(tr.label("btn-approve"), AppAct(id=app.id, action=AppAction.APPROVE))
        )
        rows.append(
            [first, button(tr.label("btn-reject"), AppAct(id=app.id, action=AppAction.REJECT))]
        )
    if Action.WITHDRAW in allowed:
        rows.append(
            [button(tr.label("btn-withdraw"), AppAct(id=app.id, action=AppAction.WITHDRAW_ASK))]
        )
    rows.append([button(tr.label("btn-back"), back_for(person))])
    family = person.active_role in (Role.STUDENT, Role.PARENT)
    offer = offer_text(tr, await catalogue.offer(session, app.group_id)) if family else None
    text = application_text(tr, line, events, offer)
    if Action.APPROVE in allowed:
        clashing = await enrollment.clashes(session, app.student_id, app.group_id)
        if clashing:
            text = Html(text + "\n\n" + tr("review-clash", courses=", ".join(clashing)))
    if blocked:
        text = Html(
            text + "\n\n⚠️ " + tr(blocked.key, **blocked.params) + "\n" + tr("review-ask-admin")
        )
    if needs_data_consent:
        text = Html(
            text
            + "\n\n"
            + tr(
                "consent-application-and-data",
                version=enrollment.CONSENT_VERSION,
                data_version=consent.DATA_CONSENT_VERSION,
            )
        )
    elif Action.CONFIRM in allowed:
        text = Html(text + "\n\n" + tr("consent-application", version=enrollment.CONSENT_VERSION))
    if notice:
        text = Html(notice + "\n\n" + text)
    reply.show(text, keyboard(*rows))
