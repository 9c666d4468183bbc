"""The network admin in chat: /admin gathers organisations, staff invites, the network's
settings (academic year, quiet hours, minimum group size), holidays, the profile day,
broadcasts and the audit log. Typed values are checked in services/admin.py."""

from __future__ import annotations

from datetime import time
from enum import StrEnum

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.invites import InviteOrg
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, QuietDefaults, button, keyboard, only_buttons_of, typed_text
from models import Organisation
from models.enums import OrgKind, Role
from services import admin, network, people
from services.actor import Actor, require_admin
from services.clock import Clock
from services.errors import Conflict
from services.i18n import Html, Label, Text

ORG_LIMIT = 40


class AdmAction(StrEnum):
    HOME = "home"
    ORGS = "orgs"
    ORG = "org"
    SETTINGS = "settings"
    # values typed after a prompt
    ORG_ADD = "org_add"
    ORG_NAME = "org_name"
    ORG_QUIET = "org_quiet"
    YEAR = "year"
    QUIET = "quiet"
    MIN_SIZE = "minsize"


class Adm(CallbackData, prefix="adm"):
    action: AdmAction
    org: int = 0


class AdmKind(CallbackData, prefix="admk"):
    kind: OrgKind


class AdminPrompt(StatesGroup):
    value = State()  # the data says which: field and, for an organisation, its id


PROMPTS = {
    AdmAction.ORG_ADD: "adm-ask-org",
    AdmAction.ORG_NAME: "adm-ask-org-name",
    AdmAction.ORG_QUIET: "adm-ask-org-quiet",
    AdmAction.YEAR: "adm-ask-year",
    AdmAction.QUIET: "adm-ask-quiet",
    AdmAction.MIN_SIZE: "adm-ask-min-size",
}


def _hours(tr: Text, start: time | None, end: time | None) -> str | None:
    if start is None or end is None:
        return None
    return f"{tr.time(start)}–{tr.time(end)}"


async def on_admin(
    _: Message | CallbackQuery, tr: Text, actor: Actor, state: FSMContext, reply: Reply
) -> None:
    """Everything the network admin runs, in one menu."""
    require_admin(actor)
    await state.clear()
    reply.show(
        tr("adm-title"),
        keyboard(
            [
                button(tr.label("btn-adm-orgs"), Adm(action=AdmAction.ORGS)),
                button(tr.label("btn-adm-settings"), Adm(action=AdmAction.SETTINGS)),
            ],
            [
                button(tr.label("btn-invite"), Menu(action=Screen.INVITE)),
                button(tr.label("btn-broadcast"), Menu(action=Screen.BROADCAST)),
            ],
            [
                button(tr.label("btn-profile-day"), Menu(action=Screen.PROFILE_DAY)),
                button(tr.label("btn-holidays"), Menu(action=Screen.HOLIDAYS)),
            ],
            [
                button(tr.label("btn-network"), Menu(action=Screen.NETWORK)),
                button(tr.label("btn-audit"), Menu(action=Screen.AUDIT)),
            ],
            [home_button(tr)],
        ),
    )


# --- organisations ----------------------------------------------------------------------------


async def on_orgs(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The network's organisations; one opens to be edited."""
    require_admin(actor)
    await state.clear()
    orgs = await people.organisations(session)
    lines = [
        tr(
            "adm-org-line",
            name=o.short_name,
            code=o.code,
            kind=tr(f"org-kind-{o.kind.value}"),
            timezone=o.timezone,
        )
        for o in orgs[:ORG_LIMIT]
    ]
    rows = [
        [button(Label(o.short_name), Adm(action=AdmAction.ORG, org=o.id))] for o in orgs[:ORG_LIMIT]
    ]
    rows.append([button(tr.label("btn-adm-org-add"), Adm(action=AdmAction.ORG_ADD))])
    rows.append([button(tr.label("btn-back"), Adm(action=AdmAction.HOME))])
    reply.show(Html("\n".join([tr("adm-orgs-title", count=len(orgs)), *lines])), keyboard(*rows))


async def _org_card(
    reply: Reply,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    org: Organisation,
    settings: QuietDefaults,
) -> None:
    coordinators = await admin.coordinators(session, org.id)
    net = await admin.current_settings(session, actor)
    own = _hours(tr, org.quiet_start, org.quiet_end)
    network_hours = _hours(tr, net.quiet_start, net.quiet_end) or _hours(
        tr, settings.quiet_start, settings.quiet_end
    )
    text = tr(
        "adm-org-card",
        name=org.name,
        short=org.short_name,
        code=org.code,
        kind=tr(f"org-kind-{org.kind.value}"),
        timezone=org.timezone,
        quiet=own or tr("adm-quiet-as-network", hours=network_hours or "—"),
        coordinators=", ".join(coordinators) if coordinators else "—",
    )
    reply.show(
        text,
        keyboard(
            [
                button(tr.label("btn-adm-org-name"), Adm(action=AdmAction.ORG_NAME, org=org.id)),
                button(tr.label("btn-adm-quiet"), Adm(action=AdmAction.ORG_QUIET, org=org.id)),
            ],
            [
                button(
                    tr.label("btn-adm-invite-coordinator"),
                    InviteOrg(role=Role.COORDINATOR, org_id=org.id),
                )
            ],
            [button(tr.label("btn-adm-orgs"), Adm(action=AdmAction.ORGS))],
        ),
    )


async def on_org(
    _: CallbackQuery,
    callback_data: Adm,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    settings: QuietDefaults,
    state: FSMContext,
    reply: Reply,
) -> None:
    await state.clear()
    org = await admin.organisation(session, actor, callback_data.org)
    await _org_card(reply, session, tr, actor, org, settings)


async def on_ask(
    _: CallbackQuery,
    callback_data: Adm,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """A value to type: ask for it with an example."""
    require_admin(actor)
    name = ""
    if callback_data.action in (AdmAction.ORG_NAME, AdmAction.ORG_QUIET):
        name = (await admin.organisation(session, actor, callback_data.org)).short_name
    await state.set_state(AdminPrompt.value)
    await state.set_data({"field": callback_data.action.value, "org": callback_data.org})
    back = (
        Adm(action=AdmAction.ORG, org=callback_data.org)
        if callback_data.org
        else Adm(
            action=AdmAction.ORGS
            if callback_data.action == AdmAction.ORG_ADD
            else AdmAction.SETTINGS
        )
    )
    reply.show(
        tr(PROMPTS[callback_data.action], org=name, max=admin.MIN_GROUP_SIZE_MAX),
        keyboard([button(tr.label("btn-cancel"), back)]),
    )


async def on_value(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    settings: QuietDefaults,
    state: FSMContext,
    reply: Reply,
) -> None:
    """A typed value: stored if it is right, else a clear refusal and the question stands."""
    data = await state.get_data()
    field, org_id, text, now = (
        data.get("field"),
        int(data.get("org", 0)),
        message.text or "",
        clock.now(),
    )
    if field == AdmAction.ORG_ADD:
        new = await admin.check_new_org(session, actor, text)
        await state.update_data(new_org=new.as_dict())
        rows = [[button(tr.label(f"org-kind-{k.value}"), AdmKind(kind=k))] for k in OrgKind]
        rows.append([button(tr.label("btn-cancel"), Adm(action=AdmAction.ORGS))])
        reply.send(tr("adm-ask-org-kind", name=new.short_name), keyboard(*rows))
        return
    if field == AdmAction.ORG_NAME:
        org = await admin.rename_organisation(session, actor, org_id, text, now)
    elif field == AdmAction.ORG_QUIET:
        org = await admin.set_org_quiet_hours(session, actor, org_id, text, now)
    elif field in (AdmAction.YEAR, AdmAction.QUIET, AdmAction.MIN_SIZE):
        setter = {
            AdmAction.YEAR: admin.set_year,
            AdmAction.QUIET: admin.set_quiet_hours,
            AdmAction.MIN_SIZE: admin.set_min_group_size,
        }[field]
        await setter(session, actor, text, now)
        await state.clear()
        reply.send(tr("adm-saved"))
        await _settings_screen(reply, session, tr, actor, settings)
        return
    else:
        raise Conflict("error-stale-button")
    await state.clear()
    reply.send(tr("adm-saved"))
    await _org_card(reply, session, tr, actor, org, settings)


async def on_org_kind(
    _: CallbackQuery,
    callback_data: AdmKind,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    settings: QuietDefaults,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The kind is the last thing asked: the organisation is added."""
    data = await state.get_data()
    if data.get("field") != AdmAction.ORG_ADD or not isinstance(data.get("new_org"), dict):
        require_admin(actor)
        raise Conflict("error-stale-button")
    org = await admin.add_organisation(
        session, actor, data["new_org"], callback_data.kind, clock.now()
    )
    await state.clear()
    await _org_card(reply, session, tr, actor, org, settings)


# --- the network's settings -------------------------------------------------------------------


async def _settings_screen(
    reply: Reply,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    settings: QuietDefaults,
) -> None:
    net = await admin.current_settings(session, actor)
    year = (
        tr("adm-year-range", start=tr.date(net.year_start), end=tr.date(net.year_end))
        if net.year_start and net.year_end
        else tr("adm-not-set")
    )
    quiet = _hours(tr, net.quiet_start, net.quiet_end) or tr(
        "adm-quiet-default", hours=_hours(tr, settings.quiet_start, settings.quiet_end) or "—"
    )
    weekday = await network.profile_weekday(session)
    reply.show(
        tr(
            "adm-settings",
            year=year,
            quiet=quiet,
            min_size=net.min_group_size,
            profile_day=tr.weekday(weekday) if weekday is not None else tr("adm-not-set"),
        ),
        keyboard(
            [
                button(tr.label("btn-adm-year"), Adm(action=AdmAction.YEAR)),
                button(tr.label("btn-adm-quiet"), Adm(action=AdmAction.QUIET)),
            ],
            [button(tr.label("btn-adm-min-size"), Adm(action=AdmAction.MIN_SIZE))],
            [
                button(tr.label("btn-profile-day"), Menu(action=Screen.PROFILE_DAY)),
                button(tr.label("btn-holidays"), Menu(action=Screen.HOLIDAYS)),
            ],
            [button(tr.label("btn-back"), Adm(action=AdmAction.HOME))],
        ),
    )


async def on_settings(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    settings: QuietDefaults,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The network's settings with what each is now."""
    require_admin(actor)
    await state.clear()
    await _settings_screen(reply, session, tr, actor, settings)


def setup() -> Router:
    router = Router(name="admin")
    router.callback_query.filter(only_buttons_of(Menu, Adm, AdmKind))
    cb, msg = router.callback_query.register, router.message.register
    adm = Adm.filter
    msg(on_admin, Command("admin"), flags=READ_ONLY)
    cb(on_admin, Menu.filter(F.action == Screen.ADMIN), flags=READ_ONLY)
    cb(on_admin, adm(F.action == AdmAction.HOME), flags=READ_ONLY)
    msg(on_orgs, Command("orgs"), flags=READ_ONLY)
    cb(on_orgs, adm(F.action == AdmAction.ORGS), flags=READ_ONLY)
    cb(on_org, adm(F.action == AdmAction.ORG), flags=READ_ONLY)
    cb(on_ask, adm(F.action.in_(PROMPTS.keys())), flags=READ_ONLY)
    msg(on_value, AdminPrompt.value, typed_text)
    cb(on_org_kind, AdmKind.filter())
    msg(on_settings, Command("settings"), flags=READ_ONLY)
    cb(on_settings, adm(F.action == AdmAction.SETTINGS), flags=READ_ONLY)
    return router
