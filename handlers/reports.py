"""Reports and charts for coordinators, teachers and the network admin.

/reports opens a menu of reports (each with period buttons) and charts. Every button carries
ids only; the scope is checked again in services/reports.py on every press.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import report_view as view
from handlers.export import Exp
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of
from models import Person
from models.enums import Role
from services import charts, reports
from services.actor import Actor
from services.clock import Clock
from services.errors import Invalid
from services.i18n import Html, Label, Text
from services.reports import Period, Preset, Scope

LINES_MAX = 40  # lines of one report screen; the rest is counted


class Rep(CallbackData, prefix="rep"):
    """A report (or chart) for a period preset."""

    r: str
    p: str = Preset.TERM.value


# Reports each role is offered (the services refuse the rest all the same).
TEXT_REPORTS = ("course", "direction", "minimum", "attorg", "attcourse", "indicators", "hours")
CHARTS = ("weeks", "sizes")
TEACHER_REPORTS = ("minimum", "attcourse", "hours", "weeks", "sizes")
REPORT_BUTTONS = {
    "course": "btn-rep-course",
    "direction": "btn-rep-direction",
    "minimum": "btn-rep-minimum",
    "attorg": "btn-rep-att-org",
    "attcourse": "btn-rep-att-course",
    "indicators": "btn-rep-indicators",
    "hours": "btn-rep-hours",
    "weeks": "btn-rep-weeks",
    "sizes": "btn-rep-sizes",
}
ENROLLMENT_KEYS = {
    "course": ("rep-course-title", "rep-course-line"),
    "direction": ("rep-direction-title", "rep-direction-line"),
}


def _capped(tr: Text, lines: Sequence[str]) -> list[str]:
    if len(lines) <= LINES_MAX:
        return list(lines)
    return [*lines[:LINES_MAX], tr("rep-more", count=len(lines) - LINES_MAX)]


# --- the reports menu ---------------------------------------------------------------------------


def _offered(scope: Scope) -> tuple[str, ...]:
    if scope.role == Role.TEACHER:
        return TEACHER_REPORTS
    return (*TEXT_REPORTS, *CHARTS)


async def on_reports(
    _: Message | CallbackQuery,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """The reports this role may read, and the export."""
    await state.clear()
    _reports_menu(reply, tr, view.scope(actor, person), Preset.TERM, clock)


def _reports_menu(reply: Reply, tr: Text, scope: Scope, preset: str, clock: Clock) -> None:
    offered = _offered(scope)
    # Two related reports share a row: enrollment by course and by direction, and so on.
    pairs = {"direction": "course", "attcourse": "attorg", "sizes": "weeks"}
    rows: list[list[InlineKeyboardButton]] = []
    previous = ""
    for r in offered:
        b = button(tr.label(REPORT_BUTTONS[r]), Rep(r=r, p=preset))
        if rows and pairs.get(r) == previous:
            rows[-1].append(b)
        else:
            rows.append([b])
        previous = r
    rows.append([button(tr.label("btn-export"), Exp())])
    rows.append([home_button(tr)])
    period = reports.preset_period(preset, view.today(tr, clock))
    reply.show(tr("reports-title", period=view.period_text(tr, period)), keyboard(*rows))


def _report_keyboard(tr: Text, report: str, preset: str) -> list[list[InlineKeyboardButton]]:
    periods = [
        button(Label(("• " if p == preset else "") + tr.label(key)), Rep(r=report, p=p))
        for p, key in view.PRESET_BUTTONS.items()
    ]
    return [periods, view.back_row(tr)]


async def on_report(
    _: CallbackQuery,
    callback_data: Rep,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """A report's figures for the chosen period, in the reader's scope."""
    scope = view.scope(actor, person)
    period = reports.preset_period(callback_data.p, view.today(tr, clock))
    text = await _report_text(callback_data.r, session, scope, period, tr, clock)
    reply.show(Html(text), keyboard(*_report_keyboard(tr, callback_data.r, callback_data.p)))


async def _report_text(
    report: str, session: AsyncSession, scope: Scope, period: Period, tr: Text, clock: Clock
) -> str:
    when = view.period_text(tr, period)
    lines: list[str]
    if report in ("course", "direction"):
        if report == "course":
            found = await reports.enrollment_by_course(session, scope, period)
        else:
            found = await reports.enrollment_by_direction(session, scope, period)
        keys = ENROLLMENT_KEYS[report]
        lines = [
            tr(
                keys[1],
                name=line.name if report == "course" else tr(f"direction-{line.name}"),
                provider=line.provider,
                enrolled=line.enrolled,
                capacity=line.capacity,
                groups=line.groups,
                waitlisted=line.waitlisted,
            )
            for line in found
        ]
        total = sum(line.enrolled for line in found)
        head = [tr(keys[0], period=when)]
        tail = [tr("rep-total", enrolled=total)] if found else [tr("rep-empty")]
        return "\n\n".join([*head, *_capped(tr, lines), *tail])
    if report == "minimum":
        groups = await reports.below_minimum(session, scope, period)
        lines = [
            tr(
                "rep-minimum-line",
                course=g.course,
                group=g.code,
                provider=g.provider,
                enrolled=g.enrolled,
                minimum=g.min_size,
                missing=g.min_size - g.enrolled,
                start=tr.date(g.start_date),
            )
            + (" " + tr("rep-minimum-run-anyway") if g.run_anyway else "")
            for g in groups
        ]
        return "\n\n".join(
            [tr("rep-minimum-title", period=when, count=len(groups)), *_capped(tr, lines)]
        )
    if report in ("attorg", "attcourse"):
        if report == "attorg":
            rates = await reports.attendance_by_organisation(session, scope, period, tr.tz)
            title = tr("rep-att-org-title", period=when)
        else:
            rates = await reports.attendance_by_course(session, scope, period, tr.tz)
            title = tr("rep-att-course-title", period=when)
        lines = [
            tr(
                "rep-att-line",
                name=r.name,
                rate=view.percent(tr, r.rate),
                attended=r.attended,
                total=r.total,
            )
            for r in rates
        ]
        body = _capped(tr, lines) if rates else [tr("rep-empty")]
        return "\n".join([title, "", *body, "", tr("rep-att-note")])
    if report == "indicators":
        indicators = await reports.indicators(session, scope, period)
        target = view.percent(tr, reports.INDICATOR_TARGET)
        return "\n\n".join(
            [
                tr("rep-indicators-title", period=when),
                *(
                    tr(
                        key,
                        share=view.percent(tr, share.share),
                        involved=share.involved,
                        total=share.total,
                        met=tr(
                            "rep-target-met" if share.met else "rep-target-missed", target=target
                        ),
                    )
                    for key, share in (
                        ("rep-indicators-orgs", indicators.organisations),
                        ("rep-indicators-teachers", indicators.teachers),
                    )
                ),
                tr("rep-indicators-note"),
            ]
        )
    if report == "hours":
        courses, orgs = await reports.hours(session, scope, period, tr.tz, clock.now())
        if not courses:
            return "\n\n".join([tr("rep-hours-title", period=when), tr("rep-empty")])
        org_lines = [
            tr(
                "rep-hours-org-line",
                provider=o.provider,
                courses=o.courses,
                planned=o.planned,
                held=o.lessons_held,
            )
            for o in orgs
        ]
        course_lines = [
            tr(
                "rep-hours-course-line",
                course=c.course,
                provider=c.provider,
                hours=c.hours,
                groups=c.groups,
                planned=c.planned,
                held=c.lessons_held,
            )
            for c in courses
        ]
        return "\n".join(
            [
                tr("rep-hours-title", period=when),
                "",
                tr("rep-hours-orgs"),
                *_capped(tr, org_lines),
                "",
                tr("rep-hours-courses"),
                *_capped(tr, course_lines),
            ]
        )
    raise Invalid("error-bad-choice")


async def on_chart(
    _: CallbackQuery,
    callback_data: Rep,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """A chart as a photo; drawn in a worker thread, so other people's updates go on."""
    scope = view.scope(actor, person)
    today = view.today(tr, clock)
    period = reports.preset_period(callback_data.p, today)
    note: Html | None = None  # below the caption: what the chart leaves out
    if callback_data.r == "weeks":
        # Weeks without marks (before the courses began, holidays, this week so far) are left
        # out: they have no rate, and an empty week on the axis reads as a gap in the records.
        weeks = [
            charts.Week(
                w.monday, tr.label("chart-week", day=w.monday.day, month=w.monday.month), rate
            )
            for w in await reports.attendance_by_week(session, scope, period, tr.tz, today)
            if (rate := w.rate) is not None
        ]
        title = tr.label("chart-weeks-title")
        target = view.percent(tr, reports.INDICATOR_TARGET)
        labels = charts.Labels(
            title,
            tr.label("chart-weeks-axis"),
            tr.label("chart-weeks-series"),
            tr.label("chart-weeks-target", target=target),
        )
        drawn = bool(weeks)
        draw: Callable[[], bytes] = partial(
            charts.attendance_weeks_png, weeks, reports.INDICATOR_TARGET, labels
        )
    else:
        groups = await reports.visible_groups(session, scope, period)
        groups.sort(key=lambda g: (g.enrolled - g.min_size, g.course, g.code))
        title = tr.label("chart-sizes-title")
        labels = charts.Labels(
            title,
            tr.label("chart-sizes-axis"),
            tr.label("chart-sizes-enough"),
            tr.label("chart-sizes-minimum"),
            tr.label("chart-sizes-short"),
        )
        drawn = bool(groups)
        if len(groups) > charts.BAR_LIMIT:
            note = tr("chart-sizes-shown", shown=charts.BAR_LIMIT, total=len(groups))
        draw = partial(
            charts.groups_minimum_png,
            [charts.Bar(g.course, g.code, g.enrolled, g.min_size) for g in groups],
            labels,
        )
    await session.commit()  # nothing more to read: the database is free while we draw
    if not drawn:
        reply.alert(tr.label("chart-empty"))
        return
    png = await asyncio.to_thread(draw)
    caption = tr("chart-caption", title=title, period=view.period_text(tr, period))
    if note is not None:
        caption = Html(f"{caption}\n{note}")
    reply.photo(png, f"{callback_data.r}.png", caption=caption)


def setup() -> Router:
    router = Router(name="reports")
    router.callback_query.filter(only_buttons_of(Menu, Rep))
    cb, msg = router.callback_query.register, router.message.register
    msg(on_reports, Command("reports"), flags=READ_ONLY)
    cb(on_reports, Menu.filter(F.action == Screen.REPORTS), flags=READ_ONLY)
    cb(on_report, Rep.filter(F.r.in_(TEXT_REPORTS)), flags=READ_ONLY)
    cb(on_chart, Rep.filter(F.r.in_(CHARTS)), flags=READ_ONLY)
    return router
