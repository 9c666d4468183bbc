"""The network admin's view of the network: its organisations at a glance, the common
profile day, holidays, and the audit log of sensitive actions."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, rows_of, typed_text
from services import audit, network, staff
from services.actor import Actor, require_admin
from services.clock import Clock
from services.i18n import Html, Label, Text

HOLIDAYS_SHOWN = 40


class ProfileDay(CallbackData, prefix="pday"):
    weekday: int  # -1 clears it


class HolidayPrompt(StatesGroup):
    text = State()


async def on_network(
    _: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, reply: Reply
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
            in_courses=o.in_courses,
            guests=o.guests,
        )
        for o in overview
    ]
    reply.show(
        Html("\n\n".join([tr("network-title", count=len(overview)), *lines])),
        keyboard(
            [button(tr.label("btn-invite"), Menu(action=Screen.INVITE))],
            [home_button(tr)],
        ),
    )


async def on_profile_day(
    _: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, reply: Reply
) -> None:
    """The network's common profile day, which the catalogue can filter by."""
    require_admin(actor)
    await _profile_day(reply, session, tr)


async def _profile_day(reply: Reply, session: AsyncSession, tr: Text) -> None:
    current = await network.profile_weekday(session)
    value = tr.weekday(current) if current is not None else tr("profile-day-none")
    days = [button(Label(tr.weekday(d, short=True)), ProfileDay(weekday=d)) for d in range(7)]
    reply.show(
        tr("profile-day-title", day=value),
        keyboard(
            *rows_of(days),
            [button(tr.label("btn-profile-day-clear"), ProfileDay(weekday=-1))],
            [home_button(tr)],
        ),
    )


async def on_profile_day_set(
    _: CallbackQuery,
    callback_data: ProfileDay,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    weekday = callback_data.weekday if callback_data.weekday >= 0 else None
    await network.set_profile_weekday(session, actor, weekday, clock.now())
    await _profile_day(reply, session, tr)


async def on_holidays(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Days without lessons across the network; adding one cancels that day's lessons."""
    require_admin(actor)
    coming = await network.upcoming_holidays(session, clock.now().astimezone(tr.tz).date())
    lines = [f"• {tr.day(h.day)} — {h.name}" for h in coming[:HOLIDAYS_SHOWN]]
    await state.set_state(HolidayPrompt.text)
    reply.show(
        Html("\n".join([tr("holidays-title", count=len(coming)), *lines, "", tr("holidays-ask")])),
        keyboard([home_button(tr)]),
    )


async def on_holiday_text(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    holiday, cancelled = await network.add_holiday(session, actor, message.text or "", clock.now())
    await state.clear()
    reply.send(
        tr("holiday-added", day=tr.day(holiday.day), name=holiday.name, count=cancelled),
        keyboard(
            [button(tr.label("btn-holidays"), Menu(action=Screen.HOLIDAYS))],
            [home_button(tr)],
        ),
    )


async def on_audit(
    _: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, reply: Reply
) -> None:
    """Who did what, for sensitive actions: the newest first."""
    found = await audit.recent(session, actor)
    lines = [
        tr(
            "audit-line",
            when=tr.datetime(line.record.created_at),
            who=line.actor,
            what=tr(audit.action_key(line.record.action)),
            object=tr(
                "audit-object",
                kind=tr(audit.object_key(line.record.object_type)),
                id=line.record.object_id or 0,
            ),
        )
        for line in found
    ]
    reply.show(
        Html("\n".join([tr("audit-title", count=len(found)), *lines])),
        keyboard([home_button(tr)]),
    )


def setup() -> Router:
    router = Router(name="network")
    router.callback_query.filter(only_buttons_of(Menu, ProfileDay))
    cb, msg = router.callback_query.register, router.message.register
    msg(on_network, Command("network"), flags=READ_ONLY)
    cb(on_network, Menu.filter(F.action == Screen.NETWORK), flags=READ_ONLY)
    msg(on_profile_day, Command("profileday"), flags=READ_ONLY)
    cb(on_profile_day, Menu.filter(F.action == Screen.PROFILE_DAY), flags=READ_ONLY)
    cb(on_profile_day_set, ProfileDay.filter())
    msg(on_holidays, Command("holidays"), flags=READ_ONLY)
    cb(on_holidays, Menu.filter(F.action == Screen.HOLIDAYS), flags=READ_ONLY)
    msg(on_holiday_text, HolidayPrompt.text, typed_text)
    msg(on_audit, Command("audit"), flags=READ_ONLY)
    cb(on_audit, Menu.filter(F.action == Screen.AUDIT), flags=READ_ONLY)
    return router
