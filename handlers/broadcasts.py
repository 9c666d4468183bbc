"""Broadcasts: choose the audience, type the text, see the preview with its counts, then send,
edit or cancel. The preview message becomes the progress message the worker keeps updated."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import Menu
from handlers.ui import button, keyboard, show, typed_text
from models import Organisation
from models.enums import Messenger, Role
from services import broadcasts
from services.broadcasts import Audience, Progress
from services.clock import Clock
from services.errors import Conflict, Forbidden
from services.i18n import Html, Text
from services.people import Actor

router = Router(name="broadcasts")
ORG_LIMIT = 60

ROLE_NAMES = {
    Role.STUDENT: "bc-role-student",
    Role.PARENT: "bc-role-parent",
    Role.TEACHER: "bc-role-teacher",
    Role.COORDINATOR: "bc-role-coordinator",
}


class BcOrg(CallbackData, prefix="bco"):
    org: int  # 0 lists the organisations


class BcWho(CallbackData, prefix="bcw"):
    org: int  # 0 is the whole network
    who: str  # letters of the roles: "sp" is students and parents


class BcAct(CallbackData, prefix="bca"):
    token: str
    action: str  # send | edit | cancel


class BroadcastPrompt(StatesGroup):
    text = State()
    confirm = State()


def audience_text(tr: Text, audience: Audience, org: Organisation | None) -> Html:
    who = ", ".join(tr(ROLE_NAMES[r]) for r in broadcasts.AUDIENCE_ROLES if r in audience.roles)
    where = org.short_name if org else tr("bc-whole-network")
    return tr("bc-audience", who=Html(who), where=where)


def progress_text(tr: Text, audience: Html, progress: Progress) -> Html:
    """The author's progress message: counting while it goes, then the final count."""
    return tr(
        "bc-done" if progress.finished else "bc-progress",
        audience=audience,
        delivered=progress.delivered,
        total=progress.total,
        unreachable=progress.unreachable,
    )


def _who_button(tr: Text, key: str, org: int, who: str) -> InlineKeyboardButton:
    return button(tr(key), BcWho(org=org, who=who))


@router.message(Command("broadcast"))
@router.callback_query(Menu.filter(F.action == "broadcast"))
async def on_broadcast(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """Start a broadcast: the admin picks the network or one organisation, a coordinator
    goes straight to their own organisation."""
    await state.clear()
    if not broadcasts.can_broadcast(actor):
        raise Forbidden("error-broadcast-not-allowed")
    if not actor.has(Role.ADMIN):
        orgs = await broadcasts.organisation_choices(session, actor)
        if len(orgs) == 1:
            await _choose_who(event, tr, actor, orgs[0])
        else:
            await _choose_org(event, tr, orgs)
        return
    await show(
        event,
        tr("bc-choose-scope"),
        keyboard(
            [
                _who_button(tr, "btn-bc-students", 0, "s"),
                _who_button(tr, "btn-bc-parents", 0, "p"),
            ],
            [
                _who_button(tr, "btn-bc-teachers", 0, "t"),
                _who_button(tr, "btn-bc-coordinators", 0, "c"),
            ],
            [button(tr("btn-bc-one-org"), BcOrg(org=0))],
            [button(tr("btn-menu"), Menu(action="home"))],
        ),
    )


async def _choose_org(event: Message | CallbackQuery, tr: Text, orgs: list[Organisation]) -> None:
    rows = [[button(o.short_name, BcOrg(org=o.id))] for o in orgs[:ORG_LIMIT]]
    rows.append([button(tr("btn-back"), Menu(action="broadcast"))])
    await show(event, tr("bc-choose-org"), keyboard(*rows))


async def _choose_who(
    event: Message | CallbackQuery, tr: Text, actor: Actor, org: Organisation
) -> None:
    rows = [
        [
            _who_button(tr, "btn-bc-students", org.id, "s"),
            _who_button(tr, "btn-bc-parents", org.id, "p"),
        ],
        [_who_button(tr, "btn-bc-students-parents", org.id, "sp")],
    ]
    if actor.has(Role.ADMIN):
        rows += [
            [
                _who_button(tr, "btn-bc-teachers", org.id, "t"),
                _who_button(tr, "btn-bc-coordinators", org.id, "c"),
            ],
            [_who_button(tr, "btn-bc-everyone", org.id, "sptc")],
        ]
    rows.append([button(tr("btn-back"), Menu(action="broadcast"))])
    await show(event, tr("bc-choose-who", org=org.short_name), keyboard(*rows))


@router.callback_query(BcOrg.filter())
async def on_org(
    query: CallbackQuery, callback_data: BcOrg, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    if not broadcasts.can_broadcast(actor):
        raise Forbidden("error-broadcast-not-allowed")
    orgs = await broadcasts.organisation_choices(session, actor)
    if callback_data.org == 0:
        await _choose_org(query, tr, orgs)
        return
    chosen = next((o for o in orgs if o.id == callback_data.org), None)
    if chosen is None:
        raise Forbidden("error-broadcast-own-org")
    await _choose_who(query, tr, actor, chosen)


@router.callback_query(BcWho.filter())
async def on_who(
    query: CallbackQuery,
    callback_data: BcWho,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """The audience is chosen (and checked): now the text."""
    audience = Audience.parse(callback_data.org, callback_data.who)
    await broadcasts.check(session, actor, audience)
    await state.set_state(BroadcastPrompt.text)
    await state.set_data({"org": audience.org_id or 0, "who": audience.code})
    await _ask_text(query, session, tr, audience)


async def _ask_text(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, audience: Audience
) -> None:
    org = await broadcasts.audience_org(session, audience)
    await show(
        event,
        tr("bc-ask-text", audience=audience_text(tr, audience, org), max=broadcasts.TEXT_MAX),
        keyboard([button(tr("btn-cancel"), Menu(action="home"))]),
    )


def _draft(data: dict[str, object]) -> Audience:
    return Audience.parse(int(str(data.get("org", 0))), str(data.get("who", "")))


@router.message(BroadcastPrompt.text, typed_text)
@router.message(BroadcastPrompt.confirm, typed_text)
async def on_text(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """The preview: the message exactly as recipients will see it, and how many it reaches.
    Each preview has its own token: buttons of an older preview are stale."""
    data = await state.get_data()
    audience = _draft(data)
    text = broadcasts.clean_text(message.text or "")
    found = await broadcasts.preview(session, actor, audience)
    org = await broadcasts.audience_org(session, audience)
    described = audience_text(tr, audience, org)
    if not found.recipients:
        await message.answer(
            tr("bc-preview-nobody", audience=described),
            reply_markup=keyboard([button(tr("btn-back"), Menu(action="broadcast"))]),
        )
        await state.clear()
        return
    params = await broadcasts.message_params(session, actor, audience, text)
    token = broadcasts.new_token()
    await state.update_data(text=text, token=token)
    await state.set_state(BroadcastPrompt.confirm)
    await message.answer(
        tr(
            "bc-preview",
            audience=described,
            count=found.recipients,
            unreachable=found.unreachable,
            message=tr.render(broadcasts.KIND, params),
        ),
        reply_markup=keyboard(
            [button(tr("btn-bc-send"), BcAct(token=token, action="send"))],
            [
                button(tr("btn-bc-edit"), BcAct(token=token, action="edit")),
                button(tr("btn-cancel"), BcAct(token=token, action="cancel")),
            ],
        ),
    )


async def _current_draft(session: AsyncSession, state: FSMContext, token: str) -> dict[str, object]:
    """The draft this button belongs to; a button of a draft sent already says so."""
    data = await state.get_data()
    if data.get("token") != token or "text" not in data:
        await broadcasts.check_not_sent(session, token)
        raise Conflict("error-stale-button")
    return data


@router.callback_query(BcAct.filter(F.action == "send"))
async def on_send(
    query: CallbackQuery,
    callback_data: BcAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    messenger: Messenger,
) -> None:
    """Send: the outbox takes it at bulk priority; this message shows the progress."""
    data = await _current_draft(session, state, callback_data.token)
    audience = _draft(data)
    message = query.message if isinstance(query.message, Message) else None
    broadcast = await broadcasts.send(
        session,
        actor,
        audience,
        str(data["text"]),
        token=callback_data.token,
        now=clock.now(),
        chat_id=message.chat.id if message else None,
        message_id=message.message_id if message else None,
        messenger=messenger.value,
    )
    await state.clear()
    org = await broadcasts.audience_org(session, audience)
    total = broadcast.recipients
    await show(
        query, progress_text(tr, audience_text(tr, audience, org), Progress(total, 0, 0, total))
    )


@router.callback_query(BcAct.filter(F.action == "edit"))
async def on_edit(
    query: CallbackQuery,
    callback_data: BcAct,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
) -> None:
    data = await _current_draft(session, state, callback_data.token)
    await state.set_state(BroadcastPrompt.text)
    await _ask_text(query, session, tr, _draft(data))


@router.callback_query(BcAct.filter(F.action == "cancel"))
async def on_cancel(
    query: CallbackQuery,
    callback_data: BcAct,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
) -> None:
    await _current_draft(session, state, callback_data.token)
    await state.clear()
    await show(query, tr("bc-cancelled"), keyboard([button(tr("btn-menu"), Menu(action="home"))]))
