"""Broadcasts: choose the audience, type the text, see the preview with its counts, then send,
edit or cancel. The preview message becomes the progress message the worker keeps updated."""

from __future__ import annotations

from enum import StrEnum

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, QuietDefaults, button, keyboard, only_buttons_of, typed_text
from models import Organisation
from models.enums import Messenger, Role
from services import broadcasts
from services.actor import Actor
from services.broadcasts import Audience, Progress
from services.clock import Clock
from services.errors import Conflict, Forbidden
from services.i18n import Html, Label, Text

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


class DraftAction(StrEnum):
    SEND = "send"
    EDIT = "edit"
    CANCEL = "cancel"


class BcAct(CallbackData, prefix="bca"):
    token: str
    action: DraftAction


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
    return button(tr.label(key), BcWho(org=org, who=who))


async def on_broadcast(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Start a broadcast: the admin picks the network or one organisation, a coordinator
    goes straight to their own organisation."""
    await state.clear()
    if not broadcasts.can_broadcast(actor):
        raise Forbidden("error-broadcast-not-allowed")
    if not actor.has(Role.ADMIN):
        orgs = await broadcasts.organisation_choices(session, actor)
        if len(orgs) == 1:
            _choose_who(reply, tr, actor, orgs[0])
        else:
            _choose_org(reply, tr, orgs)
        return
    reply.show(
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
            [button(tr.label("btn-bc-one-org"), BcOrg(org=0))],
            [home_button(tr)],
        ),
    )


def _choose_org(reply: Reply, tr: Text, orgs: list[Organisation]) -> None:
    rows = [[button(Label(o.short_name), BcOrg(org=o.id))] for o in orgs[:ORG_LIMIT]]
    rows.append([button(tr.label("btn-back"), Menu(action=Screen.BROADCAST))])
    reply.show(tr("bc-choose-org"), keyboard(*rows))


def _choose_who(reply: Reply, tr: Text, actor: Actor, org: Organisation) -> None:
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
    rows.append([button(tr.label("btn-back"), Menu(action=Screen.BROADCAST))])
    reply.show(tr("bc-choose-who", org=org.short_name), keyboard(*rows))


async def on_org(
    _: CallbackQuery,
    callback_data: BcOrg,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    reply: Reply,
) -> None:
    if not broadcasts.can_broadcast(actor):
        raise Forbidden("error-broadcast-not-allowed")
    orgs = await broadcasts.organisation_choices(session, actor)
    if callback_data.org == 0:
        _choose_org(reply, tr, orgs)
        return
    chosen = next((o for o in orgs if o.id == callback_data.org), None)
    if chosen is None:
        raise Forbidden("error-broadcast-own-org")
    _choose_who(reply, tr, actor, chosen)


async def on_who(
    _: CallbackQuery,
    callback_data: BcWho,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The audience is chosen (and checked): now the text."""
    audience = Audience.parse(callback_data.org, callback_data.who)
    await broadcasts.check(session, actor, audience)
    await state.set_state(BroadcastPrompt.text)
    await state.set_data({"org": audience.org_id or 0, "who": audience.code})
    await _ask_text(reply, session, tr, audience)


async def _ask_text(reply: Reply, session: AsyncSession, tr: Text, audience: Audience) -> None:
    org = await broadcasts.audience_org(session, audience)
    reply.show(
        tr("bc-ask-text", audience=audience_text(tr, audience, org), max=broadcasts.TEXT_MAX),
        keyboard([button(tr.label("btn-cancel"), Menu(action=Screen.HOME))]),
    )


def _draft(data: dict[str, object]) -> Audience:
    return Audience.parse(int(str(data.get("org", 0))), str(data.get("who", "")))


async def on_text(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    settings: QuietDefaults,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The preview: the message exactly as recipients will see it, and how many it reaches.
    Each preview has its own token: buttons of an older preview are stale."""
    data = await state.get_data()
    audience = _draft(data)
    text = broadcasts.clean_text(message.text or "")
    found = await broadcasts.preview(
        session, actor, audience, clock.now(), tr.tz, (settings.quiet_start, settings.quiet_end)
    )
    org = await broadcasts.audience_org(session, audience)
    described = audience_text(tr, audience, org)
    if not found.recipients:
        reply.send(
            tr("bc-preview-nobody", audience=described),
            keyboard([button(tr.label("btn-back"), Menu(action=Screen.BROADCAST))]),
        )
        await state.clear()
        return
    params = await broadcasts.message_params(session, actor, audience, text)
    token = broadcasts.new_token()
    await state.update_data(text=text, token=token)
    await state.set_state(BroadcastPrompt.confirm)
    reply.send(
        tr(
            "bc-preview",
            audience=described,
            count=found.recipients,
            blocked=found.unreachable.blocked,
            never_started=found.unreachable.never_started,
            held=tr.datetime(found.held_until) if found.held_until else "none",
            message=tr.render(broadcasts.KIND, params),
        ),
        keyboard(
            [button(tr.label("btn-bc-send"), BcAct(token=token, action=DraftAction.SEND))],
            [
                button(tr.label("btn-bc-edit"), BcAct(token=token, action=DraftAction.EDIT)),
                button(tr.label("btn-cancel"), BcAct(token=token, action=DraftAction.CANCEL)),
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


async def on_send(
    query: CallbackQuery,
    callback_data: BcAct,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    messenger: Messenger,
    reply: Reply,
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
    reply.show(progress_text(tr, audience_text(tr, audience, org), Progress(total, 0, 0, total)))


async def on_edit(
    _: CallbackQuery,
    callback_data: BcAct,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
    reply: Reply,
) -> None:
    data = await _current_draft(session, state, callback_data.token)
    await state.set_state(BroadcastPrompt.text)
    await _ask_text(reply, session, tr, _draft(data))


async def on_cancel(
    _: CallbackQuery,
    callback_data: BcAct,
    session: AsyncSession,
    tr: Text,
    state: FSMContext,
    reply: Reply,
) -> None:
    await _current_draft(session, state, callback_data.token)
    await state.clear()
    reply.show(tr("bc-cancelled"), keyboard([home_button(tr)]))


def setup() -> Router:
    router = Router(name="broadcasts")
    router.callback_query.filter(only_buttons_of(Menu, BcOrg, BcWho, BcAct))
    cb, msg = router.callback_query.register, router.message.register
    msg(on_broadcast, Command("broadcast"), flags=READ_ONLY)
    cb(on_broadcast, Menu.filter(F.action == Screen.BROADCAST), flags=READ_ONLY)
    cb(on_org, BcOrg.filter(), flags=READ_ONLY)
    cb(on_who, BcWho.filter(), flags=READ_ONLY)
    msg(on_text, BroadcastPrompt.text, typed_text, flags=READ_ONLY)
    msg(on_text, BroadcastPrompt.confirm, typed_text, flags=READ_ONLY)
    cb(on_send, BcAct.filter(F.action == DraftAction.SEND))
    cb(on_edit, BcAct.filter(F.action == DraftAction.EDIT), flags=READ_ONLY)
    cb(on_cancel, BcAct.filter(F.action == DraftAction.CANCEL), flags=READ_ONLY)
    return router
