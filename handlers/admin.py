"""The network admin in chat: /admin gathers organisations, staff invites, the network's
settings (academic year, quiet hours, minimum group size), holidays, the profile day,
broadcasts and the audit log. Typed values are checked in services/admin.py."""

from __future__ import annotations

from datetime import time
from typing import Protocol

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import Menu
from handlers.staff import InviteOrg
from handlers.ui import button, keyboard, show, typed_text
from models import Organisation
from models.enums import OrgKind, Role
from services import admin, network, people
from services.clock import Clock
from services.errors import Conflict
from services.i18n import Html, Text
from services.people import Actor

router = Router(name="admin")
ORG_LIMIT = 40


class Adm(CallbackData, prefix="adm"):
    action: str  # orgs | org | org_add | org_name | org_quiet | settings | year | quiet | minsize
    org: int = 0


class AdmKind(CallbackData, prefix="admk"):
    kind: OrgKind


class QuietDefaults(Protocol):
    """The part of the bot's settings shown here: the quiet hours when nobody set any."""

    quiet_start: time
    quiet_end: time


class AdminPrompt(StatesGroup):
    value = State()  # the data says which: field and, for an organisation, its id


PROMPTS = {
    "org_add": "adm-ask-org",
    "org_name": "adm-ask-org-name",
    "org_quiet": "adm-ask-org-quiet",
    "year": "adm-ask-year",
    "quiet": "adm-ask-quiet",
    "minsize": "adm-ask-min-size",
}


def _hours(tr: Text, start: time | None, end: time | None) -> str | None:
    if start is None or end is None:
        return None
    return f"{tr.time(start)}–{tr.time(end)}"


@router.message(Command("admin"))
@router.callback_query(Menu.filter(F.action == "admin"))
@router.callback_query(Adm.filter(F.action == "home"))
async def on_admin(
    event: Message | CallbackQuery, tr: Text, actor: Actor, state: FSMContext
) -> None:
    """Everything the network admin runs, in one menu."""
    admin.require_admin(actor)
    await state.clear()
    await show(
        event,
        tr("adm-title"),
        keyboard(
            [
                button(tr("btn-adm-orgs"), Adm(action="orgs")),
                button(tr("btn-adm-settings"), Adm(action="settings")),
            ],
            [
                button(tr("btn-invite"), Menu(action="invite")),
                button(tr("btn-broadcast"), Menu(action="broadcast")),
            ],
            [
                button(tr("btn-profile-day"), Menu(action="profileday")),
                button(tr("btn-holidays"), Menu(action="holidays")),
            ],
            [
                button(tr("btn-network"), Menu(action="network")),
                button(tr("btn-audit"), Menu(action="audit")),
            ],
            [button(tr("btn-menu"), Menu(action="home"))],
        ),
    )


# --- organisations ----------------------------------------------------------------------------


@router.message(Command("orgs"))
@router.callback_query(Adm.filter(F.action == "orgs"))
async def on_orgs(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """The network's organisations; one opens to be edited."""
    admin.require_admin(actor)
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
    rows = [[button(o.short_name, Adm(action="org", org=o.id))] for o in orgs[:ORG_LIMIT]]
    rows.append([button(tr("btn-adm-org-add"), Adm(action="org_add"))])
    rows.append([button(tr("btn-back"), Adm(action="home"))])
    await show(
        event, Html("\n".join([tr("adm-orgs-title", count=len(orgs)), *lines])), keyboard(*rows)
    )


async def _org_card(
    event: Message | CallbackQuery,
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
    await show(
        event,
        text,
        keyboard(
            [
                button(tr("btn-adm-org-name"), Adm(action="org_name", org=org.id)),
                button(tr("btn-adm-quiet"), Adm(action="org_quiet", org=org.id)),
            ],
            [
                button(
                    tr("btn-adm-invite-coordinator"),
                    InviteOrg(role=Role.COORDINATOR, org_id=org.id),
                )
            ],
            [button(tr("btn-adm-orgs"), Adm(action="orgs"))],
        ),
    )


@router.callback_query(Adm.filter(F.action == "org"))
async def on_org(
    query: CallbackQuery,
    callback_data: Adm,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    settings: QuietDefaults,
    state: FSMContext,
) -> None:
    await state.clear()
    org = await admin.organisation(session, actor, callback_data.org)
    await _org_card(query, session, tr, actor, org, settings)


@router.callback_query(Adm.filter(F.action.in_(PROMPTS.keys())))
async def on_ask(
    query: CallbackQuery,
    callback_data: Adm,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    state: FSMContext,
) -> None:
    """A value to type: ask for it with an example."""
    admin.require_admin(actor)
    name = ""
    if callback_data.action in ("org_name", "org_quiet"):
        name = (await admin.organisation(session, actor, callback_data.org)).short_name
    await state.set_state(AdminPrompt.value)
    await state.set_data({"field": callback_data.action, "org": callback_data.org})
    back = (
        Adm(action="org", org=callback_data.org)
        if callback_data.org
        else Adm(action="orgs" if callback_data.action == "org_add" else "settings")
    )
    await show(
        query,
        tr(PROMPTS[callback_data.action], org=name, max=admin.MIN_GROUP_SIZE_MAX),
        keyboard([button(tr("btn-cancel"), back)]),
    )


@router.message(AdminPrompt.value, typed_text)
async def on_value(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    settings: QuietDefaults,
    state: FSMContext,
) -> None:
    """A typed value: stored if it is right, else a clear refusal and the question stands."""
    data = await state.get_data()
    field, org_id, text, now = (
        data.get("field"),
        int(data.get("org", 0)),
        message.text or "",
        clock.now(),
    )
    if field == "org_add":
        new = await admin.check_new_org(session, actor, text)
        await state.update_data(new_org=new.as_dict())
        rows = [[button(tr(f"org-kind-{k.value}"), AdmKind(kind=k))] for k in OrgKind]
        rows.append([button(tr("btn-cancel"), Adm(action="orgs"))])
        await message.answer(
            tr("adm-ask-org-kind", name=new.short_name), reply_markup=keyboard(*rows)
        )
        return
    if field == "org_name":
        org = await admin.rename_organisation(session, actor, org_id, text, now)
    elif field == "org_quiet":
        org = await admin.set_org_quiet_hours(session, actor, org_id, text, now)
    elif field in ("year", "quiet", "minsize"):
        setter = {
            "year": admin.set_year,
            "quiet": admin.set_quiet_hours,
            "minsize": admin.set_min_group_size,
        }[field]
        await setter(session, actor, text, now)
        await state.clear()
        await message.answer(tr("adm-saved"))
        await _settings_screen(message, session, tr, actor, settings)
        return
    else:
        raise Conflict("error-stale-button")
    await state.clear()
    await message.answer(tr("adm-saved"))
    await _org_card(message, session, tr, actor, org, settings)


@router.callback_query(AdmKind.filter())
async def on_org_kind(
    query: CallbackQuery,
    callback_data: AdmKind,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    settings: QuietDefaults,
    state: FSMContext,
) -> None:
    """The kind is the last thing asked: the organisation is added."""
    data = await state.get_data()
    if data.get("field") != "org_add" or not isinstance(data.get("new_org"), dict):
        admin.require_admin(actor)
        raise Conflict("error-stale-button")
    org = await admin.add_organisation(
        session, actor, data["new_org"], callback_data.kind, clock.now()
    )
    await state.clear()
    await _org_card(query, session, tr, actor, org, settings)


# --- the network's settings -------------------------------------------------------------------


async def _settings_screen(
    event: Message | CallbackQuery,
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
    await show(
        event,
        tr(
            "adm-settings",
            year=year,
            quiet=quiet,
            min_size=net.min_group_size,
            profile_day=tr.weekday(weekday) if weekday is not None else tr("adm-not-set"),
        ),
        keyboard(
            [
                button(tr("btn-adm-year"), Adm(action="year")),
                button(tr("btn-adm-quiet"), Adm(action="quiet")),
            ],
            [button(tr("btn-adm-min-size"), Adm(action="minsize"))],
            [
                button(tr("btn-profile-day"), Menu(action="profileday")),
                button(tr("btn-holidays"), Menu(action="holidays")),
            ],
            [button(tr("btn-back"), Adm(action="home"))],
        ),
    )


@router.message(Command("settings"))
@router.callback_query(Adm.filter(F.action == "settings"))
async def on_settings(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    settings: QuietDefaults,
    state: FSMContext,
) -> None:
    """The network's settings with what each is now."""
    admin.require_admin(actor)
    await state.clear()
    await _settings_screen(event, session, tr, actor, settings)
