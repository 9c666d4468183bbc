"""The network admin invites staff: a role, an organisation, then a one-time link."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.start import INVITE_PREFIX
from handlers.ui import READ_ONLY, StartLinks, button, keyboard, links_text, only_buttons_of
from models.enums import Role
from services import people
from services.actor import Actor, require_admin
from services.clock import Clock
from services.i18n import Label, Text


class InviteRole(CallbackData, prefix="invr"):
    role: Role


class InviteOrg(CallbackData, prefix="invo"):
    role: Role
    org_id: int


async def on_invite(_: Message | CallbackQuery, tr: Text, actor: Actor, reply: Reply) -> None:
    """Invite staff: choose the role first."""
    require_admin(actor)
    rows = [[button(tr.label(f"role-{r.value}"), InviteRole(role=r))] for r in people.STAFF_ROLES]
    rows.append([home_button(tr)])
    reply.show(tr("invite-choose-role"), keyboard(*rows))


async def on_invite_role(
    _: CallbackQuery,
    callback_data: InviteRole,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    start_links: StartLinks,
    reply: Reply,
) -> None:
    require_admin(actor)
    if callback_data.role == Role.ADMIN:
        await _issue(callback_data.role, None, session, tr, clock, bot, start_links, reply)
        return
    orgs = await people.organisations(session)
    rows = [
        [button(Label(o.short_name), InviteOrg(role=callback_data.role, org_id=o.id))] for o in orgs
    ]
    rows.append([button(tr.label("btn-back"), Menu(action=Screen.INVITE))])
    reply.show(tr("invite-choose-org"), keyboard(*rows))


async def on_invite_org(
    _: CallbackQuery,
    callback_data: InviteOrg,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    start_links: StartLinks,
    reply: Reply,
) -> None:
    require_admin(actor)
    await _issue(
        callback_data.role, callback_data.org_id, session, tr, clock, bot, start_links, reply
    )


async def _issue(
    role: Role,
    org_id: int | None,
    session: AsyncSession,
    tr: Text,
    clock: Clock,
    bot: Bot,
    start_links: StartLinks,
    reply: Reply,
) -> None:
    invite = await people.create_invite(session, role=role, org_id=org_id, now=clock.now())
    link = links_text(tr, await start_links.for_reader(bot, INVITE_PREFIX + invite.code))
    reply.show(
        tr(
            "invite-created",
            role=tr(f"role-{role.value}"),
            link=link,
            expires=tr.datetime(invite.expires_at),
        ),
        keyboard([home_button(tr)]),
    )


def setup() -> Router:
    router = Router(name="invites")
    router.callback_query.filter(only_buttons_of(Menu, InviteRole, InviteOrg))
    router.message.register(on_invite, Command("invite"), flags=READ_ONLY)
    router.callback_query.register(
        on_invite, Menu.filter(F.action == Screen.INVITE), flags=READ_ONLY
    )
    router.callback_query.register(on_invite_role, InviteRole.filter())
    router.callback_query.register(on_invite_org, InviteOrg.filter())
    return router
