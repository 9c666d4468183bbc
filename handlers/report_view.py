"""What the report and export screens share: periods, percentages, the reader's scope."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton
from babel.numbers import format_percent

from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.ui import button
from models import Person
from services import reports
from services.actor import Actor
from services.clock import Clock
from services.i18n import Html, Text
from services.reports import Period, Preset, Scope

PRESET_BUTTONS = {
    Preset.MONTH: "btn-period-month",
    Preset.TERM: "btn-period-term",
    Preset.LAST30: "btn-period-last30",
}


def percent(tr: Text, value: float | None) -> str:
    if value is None:
        return "—"
    return format_percent(round(value, 3), locale=tr.lang, decimal_quantization=False)


def period_text(tr: Text, period: Period) -> Html:
    return tr("period", start=tr.date(period.start), end=tr.date(period.end))


def today(tr: Text, clock: Clock) -> date:
    return clock.now().astimezone(tr.tz).date()


def scope(actor: Actor, person: Person) -> Scope:
    return reports.scope_of(actor, person.active_role)


def back_row(tr: Text) -> list[InlineKeyboardButton]:
    """Back to the reports menu, or to the main menu."""
    return [button(tr.label("btn-reports-back"), Menu(action=Screen.REPORTS)), home_button(tr)]
