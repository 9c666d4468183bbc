"""Teachers' groups; the network admin's overview and staff invites."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import Menu
from handlers.start import INVITE_PREFIX
from handlers.teaching import GroupAct
from handlers.ui import button, keyboard, show, start_link, typed_text
from models.enums import Role
from services import audit, network, people, staff
from services.clock import Clock
from services.i18n import Html, Text
from services.people import Actor, require_admin

router = Router(name="staff")


class InviteRole(CallbackData, prefix="invr"):
    role: Role


class InviteOrg(CallbackData, prefix="invo"):
    role: Role
    org_id: int


@router.message(Command("groups"))
@router.callback_query(Menu.filter(F.action == "groups"))
async def on_groups(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """A teacher's groups with how many are enrolled and the minimum to run."""
    groups = await staff.teacher_groups(session, actor)
    lines = [
        tr(
            "groups-line",
            course=g.course_title,
            code=g.info.code,
            enrolled=g.info.enrolled,
            capacity=g.info.capacity,
            minimum=g.info.min_size,
        )
        for g in groups
    ]
    text = "\n\n".join([tr("groups-title", count=len(groups)), *lines])
    rows = [
        [
            button(tr("btn-write-to", code=g.info.code), GroupAct(id=g.info.id, action="write")),
            button(tr("btn-extra-lesson", code=g.info.code), GroupAct(id=g.info.id, action="add")),
        ]
        for g in groups[:40]
    ]
    rows.append(
        [button(tr("btn-today"), Menu(action="today")), button(tr("btn-week"), Menu(action="week"))]
    )
    rows.append([button(tr("btn-menu"), Menu(action="home"))])
    await show(event, text, keyboard(*rows))


@router.message(Command("network"))
@router.callback_query(Menu.filter(F.action == "network"))
async def on_network(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """The network admin's overview of organisations."""
    overview = await staff.network_overview(session, actor)
    lines = [
        tr(
            "network-line",
            name=o.organisation.short_name,
            kind=tr(f"org-kind-{o.organisation.kind.value}"),
            courses=o.courses,
            students=o.students,
            coordinators=o.coordinators,
        )
        for o in overview
    ]
    await show(
        event,
        Html("\n\n".join([tr("network-title", count=len(overview)), *lines])),
        keyboard(
            [button(tr("btn-invite"), Menu(action="invite"))],
            [button(tr("btn-menu"), Menu(action="home"))],
        ),
    )


@router.message(Command("invite"))
@router.callback_query(Menu.filter(F.action == "invite"))
async def on_invite(event: Message | CallbackQuery, tr: Text, actor: Actor) -> None:
    """Invite staff: choose the role first."""
    require_admin(actor)
    rows = [[button(tr(f"role-{r.value}"), InviteRole(role=r))] for r in people.STAFF_ROLES]
    rows.append([button(tr("btn-menu"), Menu(action="home"))])
    await show(event, tr("invite-choose-role"), keyboard(*rows))


@router.callback_query(InviteRole.filter())
async def on_invite_role(
    query: CallbackQuery,
    callback_data: InviteRole,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    require_admin(actor)
    if callback_data.role == Role.ADMIN:
        await _issue(query, callback_data.role, None, session, tr, clock, bot)
        return
    orgs = await people.organisations(session)
    rows = [[button(o.short_name, InviteOrg(role=callback_data.role, org_id=o.id))] for o in orgs]
    rows.append([button(tr("btn-back"), Menu(action="invite"))])
    await show(query, tr("invite-choose-org"), keyboard(*rows))


@router.callback_query(InviteOrg.filter())
async def on_invite_org(
    query: CallbackQuery,
    callback_data: InviteOrg,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    require_admin(actor)
    await _issue(query, callback_data.role, callback_data.org_id, session, tr, clock, bot)


async def _issue(
    query: CallbackQuery,
    role: Role,
    org_id: int | None,
    session: AsyncSession,
    tr: Text,
    clock: Clock,
    bot: Bot,
) -> None:
    invite = await people.create_invite(session, role=role, org_id=org_id, now=clock.now())
    link = await start_link(bot, INVITE_PREFIX + invite.code)
    await show(
        query,
        tr(
            "invite-created",
            role=tr(f"role-{role.value}"),
            link=link,
            expires=tr.datetime(invite.expires_at),
        ),
        keyboard([button(tr("btn-menu"), Menu(action="home"))]),
    )


class ProfileDay(CallbackData, prefix="pday"):
    weekday: int  # -1 clears it


@router.message(Command("profileday"))
@router.callback_query(Menu.filter(F.action == "profileday"))
async def on_profile_day(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """The network's common profile day, which the catalogue can filter by."""
    require_admin(actor)
    current = await network.profile_weekday(session)
    value = tr.weekday(current) if current is not None else tr("profile-day-none")
    days = [button(tr.weekday(d, short=True), ProfileDay(weekday=d)) for d in range(7)]
    await show(
        event,
        tr("profile-day-title", day=value),
        keyboard(
            days[:4],
            days[4:],
            [button(tr("btn-profile-day-clear"), ProfileDay(weekday=-1))],
            [button(tr("btn-menu"), Menu(action="home"))],
        ),
    )


@router.callback_query(ProfileDay.filter())
async def on_profile_day_set(
    query: CallbackQuery,
    callback_data: ProfileDay,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
) -> None:
    weekday = callback_data.weekday if callback_data.weekday >= 0 else None
    await network.set_profile_weekday(session, actor, weekday, clock.now())
    await on_profile_day(query, session, tr, actor)


class HolidayPrompt(StatesGroup):
    text = State()


@router.message(Command("holidays"))
@router.callback_query(Menu.filter(F.action == "holidays"))
async def on_holidays(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """Days without lessons across the network; adding one cancels that day's lessons."""
    require_admin(actor)
    coming = await network.upcoming_holidays(session, clock.now().astimezone(tr.tz).date())
    lines = [f"• {tr.date(h.day)} — {h.name}" for h in coming[:40]]
    await state.set_state(HolidayPrompt.text)
    await show(
        event,
        "\n".join([tr("holidays-title", count=len(coming)), *lines, "", tr("holidays-ask")]),
        keyboard([button(tr("btn-menu"), Menu(action="home"))]),
    )


@router.message(HolidayPrompt.text, typed_text)
async def on_holiday_text(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    holiday, cancelled = await network.add_holiday(session, actor, message.text or "", clock.now())
    await state.clear()
    await message.answer(
        tr("holiday-added", day=tr.date(holiday.day), name=holiday.name, count=cancelled),
        reply_markup=keyboard(
            [button(tr("btn-holidays"), Menu(action="holidays"))],
            [button(tr("btn-menu"), Menu(action="home"))],
        ),
    )


@router.message(Command("audit"))
@router.callback_query(Menu.filter(F.action == "audit"))
async def on_audit(
    event: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor
) -> None:
    """Who did what, for sensitive actions: the newest first."""
    found = await audit.recent(session, actor)
    lines = [
        tr(
            "audit-line",
            when=tr.datetime(line.record.created_at),
            who=line.actor,
            what=tr(audit.action_key(line.record.action)),
            object=f"{line.record.object_type} #{line.record.object_id or '—'}",
        )
        for line in found
    ]
    await show(
        event,
        "\n".join([tr("audit-title", count=len(found)), *lines]),
        keyboard([button(tr("btn-menu"), Menu(action="home"))]),
    )
