"""Agreements between organisations: the list, an agreement's card with its courses and
history, making one (the two parties, its number and date, its courses), activating,
extending, terminating with a reason, and the annex of students as a spreadsheet. For the
network admin and coordinators; services/agreements decides who may do what."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import cancel_button, home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, rows_of, typed_text
from models.enums import AgreementState
from services import agreements, exports
from services.actor import Actor
from services.agreements import AgreementCard, AgreementLine
from services.clock import Clock
from services.i18n import Html, Label, Text

STATE_ICONS = {
    AgreementState.DRAFT: "📝",
    AgreementState.ACTIVE: "✅",
    AgreementState.EXPIRED: "⌛",
    AgreementState.TERMINATED: "🚫",
}
LIST_SHOWN = 40


class AgrAction(StrEnum):
    OPEN = "open"
    NEW = "new"  # pick the students' home organisation
    HOME = "home"  # the home picked (id): pick the providing organisation
    PROVIDER = "provider"  # both picked (id: home, org: provider): type the number
    COURSE = "course"  # a draft's course switched on or off
    ACTIVATE = "activate"
    EXTEND_ASK = "extend_ask"
    EXTEND = "extend"
    TERMINATE_ASK = "terminate_ask"
    EXPORT = "export"


class Agr(CallbackData, prefix="agr"):
    action: AgrAction
    id: int = 0
    org: int = 0
    course: int = 0


class AgrPrompt(StatesGroup):
    number = State()
    signed = State()
    reason = State()


def _line_label(tr: Text, line: AgreementLine) -> Label:
    a = line.agreement
    return tr.label(
        "agreement-line-button",
        icon=STATE_ICONS[a.state],
        number=a.number,
        home=line.home,
        provider=line.provider,
    )


def _term(tr: Text, line: AgreementLine) -> Html:
    a = line.agreement
    return tr("agreement-term", start=tr.date(a.starts_on), end=tr.date(a.ends_on))


def _state(tr: Text, state: AgreementState) -> Html:
    return Html(f"{STATE_ICONS[state]} {tr(f'agreement-state-{state.value}')}")


async def on_list(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Every agreement this person may see: state, parties, term and how many courses."""
    await state.clear()
    found = await agreements.list_for(session, actor)
    lines = [
        tr(
            "agreement-list-line",
            state=_state(tr, line.agreement.state),
            number=line.agreement.number,
            home=line.home,
            provider=line.provider,
            term=_term(tr, line),
            courses=line.courses,
        )
        for line in found[:LIST_SHOWN]
    ]
    rows = [
        [button(_line_label(tr, line), Agr(action=AgrAction.OPEN, id=line.agreement.id))]
        for line in found[:LIST_SHOWN]
    ]
    reply.show(
        Html("\n\n".join([tr("agreements-title", count=len(found)), *lines])),
        keyboard(
            *rows,
            [button(tr.label("btn-agreement-new"), Agr(action=AgrAction.NEW))],
            [home_button(tr)],
        ),
    )


def _card_text(tr: Text, info: AgreementCard) -> Html:
    a = info.line.agreement
    courses = [f"• {c.title}" for c in info.courses] or [str(tr("agreement-no-courses"))]
    history = []
    for h in info.history:
        details = {k: v for k, v in h.event.details.items() if isinstance(v, str | int)}
        for key in ("old_end", "new_end"):
            if key in details:
                details[key] = tr.date(_iso(str(details[key])))
        history.append(
            tr(
                f"agreement-event-{h.event.kind.value.replace('_', '-')}",
                when=tr.datetime(h.event.created_at),
                who=h.actor or tr("agreement-by-system"),
                **details,
            )
        )
    parts = [
        tr(
            "agreement-card",
            number=a.number,
            signed=tr.date(a.signed_on),
            home=info.line.home,
            provider=info.line.provider,
            term=_term(tr, info.line),
            state=_state(tr, a.state),
        ),
        tr("agreement-courses", count=len(info.courses)) + "\n" + "\n".join(courses),
    ]
    if a.reason:
        parts.append(tr("agreement-reason", reason=a.reason))
    if history:
        parts.append(tr("agreement-history") + "\n" + "\n".join(history))
    return Html("\n\n".join(parts))


def _iso(value: str) -> date:
    return date.fromisoformat(value)


async def _show_card(
    reply: Reply,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    agreement_id: int,
    notice: Html | None = None,
) -> None:
    info = await agreements.card(session, actor, agreement_id)
    a = info.line.agreement
    rows: list[list[InlineKeyboardButton]] = []
    if a.state == AgreementState.DRAFT:
        chosen = {c.id for c in info.courses}
        toggles = [
            button(
                Label(("✅ " if c.id in chosen else "▫️ ") + c.title),
                Agr(action=AgrAction.COURSE, id=a.id, course=c.id),
            )
            for c in await agreements.provider_courses(session, a.provider_org_id)
        ]
        rows += [[t] for t in toggles]
        rows.append(
            [button(tr.label("btn-agreement-activate"), Agr(action=AgrAction.ACTIVATE, id=a.id))]
        )
    if a.state == AgreementState.ACTIVE:
        rows.append(
            [
                button(tr.label("btn-agreement-extend"), Agr(action=AgrAction.EXTEND_ASK, id=a.id)),
                button(
                    tr.label("btn-agreement-terminate"),
                    Agr(action=AgrAction.TERMINATE_ASK, id=a.id),
                ),
            ]
        )
    if a.state != AgreementState.DRAFT:
        rows.append(
            [button(tr.label("btn-agreement-annex"), Agr(action=AgrAction.EXPORT, id=a.id))]
        )
    rows.append([button(tr.label("btn-back"), Menu(action=Screen.AGREEMENTS))])
    text = _card_text(tr, info)
    if notice:
        text = Html(notice + "\n\n" + text)
    reply.show(text, keyboard(*rows))


async def on_open(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    await state.clear()
    await _show_card(reply, session, tr, actor, callback_data.id)


def _back(tr: Text) -> list[InlineKeyboardButton]:
    return [button(tr.label("btn-back"), Menu(action=Screen.AGREEMENTS)), cancel_button(tr)]


async def on_new(
    _: CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, reply: Reply
) -> None:
    """A new agreement: first whose students it is for."""
    orgs = await agreements.home_choices(session, actor)
    picks = [button(Label(o.short_name), Agr(action=AgrAction.HOME, id=o.id)) for o in orgs]
    reply.show(tr("agreement-new-home"), keyboard(*rows_of(picks), _back(tr)))


async def on_home(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    reply: Reply,
) -> None:
    """Then who teaches: another organisation (a coordinator's own when the home is not)."""
    orgs = await agreements.provider_choices(session, actor, callback_data.id)
    picks = [
        button(Label(o.short_name), Agr(action=AgrAction.PROVIDER, id=callback_data.id, org=o.id))
        for o in orgs
    ]
    reply.show(
        tr("agreement-new-provider"),
        keyboard(*rows_of(picks), [button(tr.label("btn-back"), Agr(action=AgrAction.NEW))]),
    )


async def on_provider(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Both parties chosen (checked again on creation): the agreement's number."""
    agreements.require_parties(actor, callback_data.id, callback_data.org)
    await state.set_state(AgrPrompt.number)
    await state.update_data(home=callback_data.id, provider=callback_data.org)
    reply.show(tr("agreement-ask-number"), keyboard(_back(tr)))


async def on_number(message: Message, tr: Text, state: FSMContext, reply: Reply) -> None:
    number = agreements.parse_number(message.text or "")
    await state.update_data(number=number)
    await state.set_state(AgrPrompt.signed)
    reply.send(tr("agreement-ask-signed", number=number), keyboard(_back(tr)))


async def on_signed(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    signed = agreements.parse_signed(message.text or "")
    data = await state.get_data()
    agreement = await agreements.create(
        session,
        actor,
        home_org_id=int(data["home"]),
        provider_org_id=int(data["provider"]),
        number=str(data["number"]),
        signed_on=signed,
        course_ids=[],
        now=clock.now(),
    )
    await state.clear()
    await _show_card(reply, session, tr, actor, agreement.id, notice=tr("agreement-created"))


async def on_course(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    chosen = {c.id for c in await agreements.covered_courses(session, callback_data.id)}
    await agreements.set_course(
        session,
        actor,
        callback_data.id,
        callback_data.course,
        callback_data.course not in chosen,
        clock.now(),
    )
    await _show_card(reply, session, tr, actor, callback_data.id)


async def on_activate(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    await agreements.activate(session, actor, callback_data.id, clock.now())
    await _show_card(reply, session, tr, actor, callback_data.id, notice=tr("agreement-activated"))


async def on_extend_ask(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    reply: Reply,
) -> None:
    """What an extension does, before it is done."""
    info = await agreements.require_active(session, actor, callback_data.id)
    a = info.line.agreement
    end = await agreements.next_term_end(session, a)
    reply.show(
        tr(
            "agreement-extend-ask",
            number=a.number,
            end=tr.date(end),
            courses=len(info.courses),
            home=info.line.home,
            provider=info.line.provider,
        ),
        keyboard(
            [button(tr.label("btn-agreement-extend-yes"), Agr(action=AgrAction.EXTEND, id=a.id))],
            [button(tr.label("btn-cancel"), Agr(action=AgrAction.OPEN, id=a.id))],
        ),
    )


async def on_extend(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    await agreements.extend(session, actor, callback_data.id, clock.now())
    await _show_card(reply, session, tr, actor, callback_data.id, notice=tr("agreement-extended"))


async def on_terminate_ask(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """What terminating does and whom it tells; the reason typed confirms it."""
    info = await agreements.require_active(session, actor, callback_data.id)
    a = info.line.agreement
    await state.set_state(AgrPrompt.reason)
    await state.update_data(agreement=a.id)
    reply.show(
        tr(
            "agreement-terminate-ask",
            number=a.number,
            home=info.line.home,
            provider=info.line.provider,
        ),
        keyboard([button(tr.label("btn-cancel"), Agr(action=AgrAction.OPEN, id=a.id))]),
    )


async def on_terminate_reason(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    agreement_id = int((await state.get_data())["agreement"])
    await agreements.terminate(session, actor, agreement_id, message.text or "", clock.now())
    await state.clear()
    await _show_card(reply, session, tr, actor, agreement_id, notice=tr("agreement-terminated"))


async def on_export(
    _: CallbackQuery,
    callback_data: Agr,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """The annex: every student enrolled under the agreement, as a spreadsheet."""
    table = await agreements.annex_table(session, actor, callback_data.id, tr, clock.now())
    if not table.rows:
        reply.alert(tr.label("agreement-annex-empty"))
        return
    # The rows are read and the export recorded: end the transaction before the workbook is
    # built, so the database is not held meanwhile (as handlers/export does).
    await session.commit()
    data = await exports.build_xlsx(table, tr.lang)
    reply.document(
        data,
        agreements.annex_file_name(callback_data.id),
        caption=tr("agreement-annex-caption", number=table.subject, count=len(table.rows)),
    )


def _on(action: AgrAction) -> CallbackQueryFilter:
    return Agr.filter(F.action == action)


def setup() -> Router:
    router = Router(name="agreements")
    router.callback_query.filter(only_buttons_of(Menu, Agr))
    cb, msg = router.callback_query.register, router.message.register
    cb(on_list, Menu.filter(F.action == Screen.AGREEMENTS), flags=READ_ONLY)
    cb(on_open, _on(AgrAction.OPEN), flags=READ_ONLY)
    cb(on_new, _on(AgrAction.NEW), flags=READ_ONLY)
    cb(on_home, _on(AgrAction.HOME), flags=READ_ONLY)
    cb(on_provider, _on(AgrAction.PROVIDER), flags=READ_ONLY)
    msg(on_number, AgrPrompt.number, typed_text)
    msg(on_signed, AgrPrompt.signed, typed_text)
    cb(on_course, _on(AgrAction.COURSE))
    cb(on_activate, _on(AgrAction.ACTIVATE))
    cb(on_extend_ask, _on(AgrAction.EXTEND_ASK), flags=READ_ONLY)
    cb(on_extend, _on(AgrAction.EXTEND))
    cb(on_terminate_ask, _on(AgrAction.TERMINATE_ASK), flags=READ_ONLY)
    msg(on_terminate_reason, AgrPrompt.reason, typed_text)
    cb(on_export, _on(AgrAction.EXPORT))
    return router
