"""A parent's consent to the processing of a child's data: given (also from an application's
card), listed, withdrawn after saying what follows."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.application_card import ConsentGive, show_application
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of
from models import Person
from services import consent, enrollment
from services.actor import Actor
from services.clock import Clock
from services.errors import Forbidden
from services.i18n import Html, Text
from services.names import Named


class ConsentWithdraw(CallbackData, prefix="cwd"):
    child: int
    confirm: bool = False


async def on_consent_give(
    _: CallbackQuery,
    callback_data: ConsentGive,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """The parent agrees to the processing of the child's data (recorded with its version)."""
    await consent.give(session, actor, callback_data.child, clock.now())
    if callback_data.app:
        await show_application(
            reply,
            session,
            tr,
            person,
            actor,
            callback_data.app,
            notice=tr("consent-given"),
            now=clock.now(),
        )
    else:
        await _show_consents(reply, session, tr, actor, notice=tr("consent-given"))


async def _show_consents(
    reply: Reply, session: AsyncSession, tr: Text, actor: Actor, notice: Html | None = None
) -> None:
    children = await consent.statuses(session, actor)
    lines = [
        tr(
            "consent-line-given",
            child=Named.of(child),
            version=given.version,
            when=tr.datetime(given.given_at),
        )
        if given
        else tr("consent-line-none", child=Named.of(child))
        for child, given in children
    ]
    rows = [
        [
            button(
                tr.label("btn-consent-withdraw", child=Named.of(child)),
                ConsentWithdraw(child=child.id),
            )
        ]
        if given
        else [
            button(
                tr.label("btn-consent-give-for", child=Named.of(child)),
                ConsentGive(child=child.id),
            )
        ]
        for child, given in children
    ]
    rows.append([home_button(tr)])
    text = "\n".join([tr("consent-title"), *lines] if children else [tr("children-none")])
    reply.show(Html(f"{notice}\n\n{text}" if notice else text), keyboard(*rows))


async def on_consents(
    _: Message | CallbackQuery, session: AsyncSession, tr: Text, actor: Actor, reply: Reply
) -> None:
    """Consents given for each child, and the way to withdraw one."""
    await _show_consents(reply, session, tr, actor)


async def on_consent_withdraw_ask(
    _: CallbackQuery,
    callback_data: ConsentWithdraw,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    reply: Reply,
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
    reply.show(
        tr("consent-withdraw-ask", child=Named.of(child)),
        keyboard(
            [
                button(
                    tr.label("btn-consent-withdraw-yes"),
                    ConsentWithdraw(child=child.id, confirm=True),
                )
            ],
            [button(tr.label("btn-cancel"), Menu(action=Screen.CONSENT))],
        ),
    )


async def on_consent_withdraw(
    _: CallbackQuery,
    callback_data: ConsentWithdraw,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    ended = await enrollment.withdraw_consent(session, actor, callback_data.child, clock.now())
    await _show_consents(reply, session, tr, actor, notice=tr("consent-withdrawn", count=ended))


def setup() -> Router:
    router = Router(name="consent")
    router.callback_query.filter(only_buttons_of(Menu, ConsentGive, ConsentWithdraw))
    router.callback_query.register(on_consent_give, ConsentGive.filter())
    router.message.register(on_consents, Command("consent"), flags=READ_ONLY)
    router.callback_query.register(
        on_consents, Menu.filter(F.action == Screen.CONSENT), flags=READ_ONLY
    )
    router.callback_query.register(
        on_consent_withdraw_ask, ConsentWithdraw.filter(~F.confirm), flags=READ_ONLY
    )
    router.callback_query.register(on_consent_withdraw, ConsentWithdraw.filter(F.confirm))
    return router
