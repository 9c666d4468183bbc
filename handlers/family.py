"""Students and parents: linking with a one-time code, the parent's consent or refusal."""

from __future__ import annotations

import json

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.applications import AppAct, ConsentGive, line_button, show_application
from handlers.menu import Menu, set_commands, show_menu
from handlers.schedule import ChildView
from handlers.start import PARENT_PREFIX, LinkCode
from handlers.ui import button, keyboard, show, start_link, typed_text
from models import Person
from models.enums import ApplicationState, Role
from services import consent, enrollment, people, privacy
from services.clock import Clock
from services.errors import Forbidden
from services.i18n import Text
from services.people import Actor

router = Router(name="family")


class DeclineReason(StatesGroup):
    reason = State()


class SkipReason(CallbackData, prefix="skip"):
    id: int


@router.message(Command("parent"))
@router.callback_query(Menu.filter(F.action == "parent"))
async def on_parent_code(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    """A student gets a one-time code and link to pass to a parent."""
    code = await people.create_parent_code(session, actor, clock.now())
    link = await start_link(bot, PARENT_PREFIX + code.code)
    await show(
        event,
        tr("link-code", code=code.code, link=link, expires=tr.datetime(code.expires_at)),
        keyboard([button(tr("btn-menu"), Menu(action="home"))]),
    )


@router.message(Command("link"))
@router.callback_query(Menu.filter(F.action == "link"))
async def on_link_ask(event: Message | CallbackQuery, tr: Text, state: FSMContext) -> None:
    """A parent types the code the child shows them."""
    await state.set_state(LinkCode.code)
    await show(event, tr("link-ask-code"))


@router.message(LinkCode.code, typed_text)
async def on_link_code(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    state: FSMContext,
    clock: Clock,
    bot: Bot,
) -> None:
    if not person.full_name:
        raise Forbidden("error-register-first")
    child = await people.link_parent(session, person, message.text or "", clock.now())
    await state.clear()
    await set_commands(bot, message.chat.id, tr, person.active_role)
    await message.answer(tr("link-done", child=child.full_name))
    await show_menu(message, session, tr, person, await people.load_actor(session, person))


@router.message(Command("children"))
@router.callback_query(Menu.filter(F.action == "children"))
async def on_children(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """A parent's children and their applications; those waiting for consent come first."""
    await state.clear()
    if not actor.has(Role.PARENT):
        raise Forbidden("error-parents-only")
    children = await people.children_of(session, actor.person_id)
    if not children:
        await show(
            event,
            tr("children-none"),
            keyboard([button(tr("btn-link-child"), Menu(action="link"))]),
        )
        return
    lines = await enrollment.children_applications(session, actor.person_id)
    lines.sort(key=lambda line: line.application.state != ApplicationState.AWAITING_PARENT)
    waiting = sum(1 for line in lines if line.application.state == ApplicationState.AWAITING_PARENT)
    text = "\n\n".join(
        [
            tr("children-title", names=", ".join(c.full_name for c in children)),
            tr("menu-consent-count", count=waiting),
        ]
    )
    rows = [[line_button(tr, line, with_student=True)] for line in lines[:30]]
    rows += [
        [
            button(
                tr("btn-child-schedule", name=child.full_name),
                ChildView(id=child.id, what="schedule"),
            ),
            button(tr("btn-child-attendance"), ChildView(id=child.id, what="attendance")),
        ]
        for child in children[:10]
    ]
    rows.append(
        [
            button(tr("btn-link-child"), Menu(action="link")),
            button(tr("btn-menu"), Menu(action="home")),
        ]
    )
    await show(event, text, keyboard(*rows))


@router.callback_query(AppAct.filter(F.action == enrollment.Action.CONFIRM))
async def on_confirm(
    query: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
) -> None:
    """The parent consents; the school reviews next."""
    await enrollment.parent_confirm(session, actor, callback_data.id, clock.now())
    await show_application(
        query, session, tr, person, actor, callback_data.id, notice=tr("confirm-done")
    )


@router.callback_query(AppAct.filter(F.action == enrollment.Action.DECLINE))
async def on_decline_ask(
    query: CallbackQuery,
    callback_data: AppAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """Ask for an optional reason before declining."""
    await enrollment.require_action(session, actor, callback_data.id, enrollment.Action.DECLINE)
    await state.set_state(DeclineReason.reason)
    await state.update_data(application_id=callback_data.id)
    await show(
        query,
        tr("decline-ask-reason"),
        keyboard(
            [button(tr("btn-skip"), SkipReason(id=callback_data.id))],
            [button(tr("btn-cancel"), Menu(action="children"))],
        ),
    )


async def _decline(
    event: Message | CallbackQuery,
    application_id: int,
    reason: str,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    await enrollment.parent_decline(session, actor, application_id, clock.now(), reason)
    await state.clear()
    await show_application(
        event, session, tr, person, actor, application_id, notice=tr("decline-done")
    )


@router.callback_query(DeclineReason.reason, SkipReason.filter())
async def on_decline_skip(
    query: CallbackQuery,
    callback_data: SkipReason,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    await _decline(query, callback_data.id, "", session, tr, person, actor, state, clock)


@router.message(DeclineReason.reason, typed_text)
async def on_decline_reason(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
) -> None:
    application_id = (await state.get_data())["application_id"]
    await _decline(
        message, application_id, message.text or "", session, tr, person, actor, state, clock
    )


class ConsentWithdraw(CallbackData, prefix="cwd"):
    child: int
    confirm: bool = False


@router.callback_query(ConsentGive.filter())
async def on_consent_give(
    query: CallbackQuery,
    callback_data: ConsentGive,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
) -> None:
    """The parent agrees to the processing of the child's data (recorded with its version)."""
    await consent.give(session, actor, callback_data.child, clock.now())
    if callback_data.app:
        await show_application(
            query, session, tr, person, actor, callback_data.app, notice=tr("consent-given")
        )
    else:
        await _show_consents(query, session, tr, actor, notice=tr("consent-given"))


async def _show_consents(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    notice: str = "",
) -> None:
    children = await consent.statuses(session, actor)
    lines = [
        tr(
            "consent-line-given",
            child=child.full_name,
            version=given.version,
            when=tr.datetime(given.given_at),
        )
        if given
        else tr("consent-line-none", child=child.full_name)
        for child, given in children
    ]
    rows = [
        [button(tr("btn-consent-withdraw", child=child.full_name), ConsentWithdraw(child=child.id))]
        if given
        else [
            button(tr("btn-consent-give-for", child=child.full_name), ConsentGive(child=child.id))
        ]
        for child, given in children
    ]
    rows.append([button(tr("btn-menu"), Menu(action="home"))])
    text = "\n".join([tr("consent-title"), *lines] if children else [tr("children-none")])
    await show(event, f"{notice}\n\n{text}" if notice else text, keyboard(*rows))


@router.message(Command("consent"))
@router.callback_query(Menu.filter(F.action == "consent"))
async def on_consents(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """Consents given for each child, and the way to withdraw one."""
    await _show_consents(event, session, tr, actor)


@router.callback_query(ConsentWithdraw.filter(~F.confirm))
async def on_consent_withdraw_ask(
    query: CallbackQuery,
    callback_data: ConsentWithdraw,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
) -> None:
    """What withdrawing means, before it is done."""
    child = next(
        (
            c
            for c, given in await consent.statuses(session, actor)
            if c.id == callback_data.child and given
        ),
        None,
    )
    if child is None:
        raise Forbidden("error-consent-none")
    await show(
        query,
        tr("consent-withdraw-ask", child=child.full_name),
        keyboard(
            [button(tr("btn-consent-withdraw-yes"), ConsentWithdraw(child=child.id, confirm=True))],
            [button(tr("btn-cancel"), Menu(action="consent"))],
        ),
    )


@router.callback_query(ConsentWithdraw.filter(F.confirm))
async def on_consent_withdraw(
    query: CallbackQuery,
    callback_data: ConsentWithdraw,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
) -> None:
    ended = await enrollment.withdraw_consent(session, actor, callback_data.child, clock.now())
    await _show_consents(query, session, tr, actor, notice=tr("consent-withdrawn", count=ended))


class DataExport(CallbackData, prefix="myd"):
    id: int


@router.message(Command("mydata"))
@router.callback_query(Menu.filter(F.action == "mydata"))
async def on_my_data(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
) -> None:
    """A file with everything stored about oneself, or about a linked child."""
    rows = [
        [button(tr("btn-export-mine"), DataExport(id=person.id))],
        [button(tr("btn-delete-mine"), DataDelete(id=person.id))],
    ]
    if actor.has(Role.PARENT):
        for child in await people.children_of(session, person.id):
            rows.append(
                [button(tr("btn-export-child", child=child.full_name), DataExport(id=child.id))]
            )
            rows.append(
                [button(tr("btn-delete-child", child=child.full_name), DataDelete(id=child.id))]
            )
    rows.append([button(tr("btn-menu"), Menu(action="home"))])
    await show(event, tr("export-choose"), keyboard(*rows))


@router.callback_query(DataExport.filter())
async def on_export(
    query: CallbackQuery,
    callback_data: DataExport,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
) -> None:
    data = await privacy.export(session, actor, callback_data.id, clock.now())
    if isinstance(query.message, Message):
        body = json.dumps(data, ensure_ascii=False, indent=2).encode()
        await query.message.answer_document(
            BufferedInputFile(body, filename="personal-data.json"), caption=tr("export-caption")
        )


class DataDelete(CallbackData, prefix="mydel"):
    id: int
    confirm: bool = False


@router.callback_query(DataDelete.filter(~F.confirm))
async def on_delete_ask(
    query: CallbackQuery,
    callback_data: DataDelete,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
) -> None:
    """What deletion destroys, what stays without a name, and that it cannot be undone."""
    await privacy.check_can_delete(session, actor, callback_data.id, clock.now())
    await show(
        query,
        tr("delete-ask"),
        keyboard(
            [button(tr("btn-delete-yes"), DataDelete(id=callback_data.id, confirm=True))],
            [button(tr("btn-cancel"), Menu(action="mydata"))],
        ),
    )


@router.callback_query(DataDelete.filter(F.confirm))
async def on_delete(
    query: CallbackQuery,
    callback_data: DataDelete,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
) -> None:
    deleted = await privacy.delete_person(session, actor, callback_data.id, clock.now())
    await show(query, tr("delete-done", count=deleted.withdrawn))
