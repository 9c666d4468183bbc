"""Reports, charts and Excel exports for coordinators, teachers and the network admin.

/reports opens a menu of reports (each with period buttons) and charts; /export asks what,
whose and which period, then sends an .xlsx file. Every button carries ids only; the scope
is checked again in services/reports.py on every press.
"""

from __future__ import annotations

import asyncio
import math
from datetime import date

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer
from babel.numbers import format_percent
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import Menu
from handlers.ui import button, keyboard, show, typed_text
from models import Person
from models.enums import Role
from services import charts, exports, reports
from services.clock import Clock
from services.errors import Invalid
from services.exports import ExportKind
from services.i18n import Html, Text
from services.people import Actor
from services.reports import Period, Preset, Scope, Subject, SubjectKind

router = Router(name="reports")

LINES_MAX = 40  # lines of one report screen; the rest is counted
GROUPS_PAGE = 8


class Rep(CallbackData, prefix="rep"):
    """A report (or chart) for a period preset."""

    r: str
    p: str = Preset.TERM.value


class Exp(CallbackData, prefix="exp"):
    """One step of an export: kind, subject (or a list to choose from), period, page."""

    k: str = ""
    s: str = ""
    i: int = 0
    p: str = ""
    pg: int = 0


class ExportInput(StatesGroup):
    student = State()
    period = State()


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
PRESET_BUTTONS = {
    Preset.MONTH: "btn-period-month",
    Preset.TERM: "btn-period-term",
    Preset.LAST30: "btn-period-last30",
}
SUBJECT_BUTTONS = {
    SubjectKind.ORG: "btn-exp-org",
    SubjectKind.GROUP: "btn-exp-group",
    SubjectKind.STUDENT: "btn-exp-student",
}
KIND_KEYS = exports.TITLES
ENROLLMENT_KEYS = {
    "course": ("rep-course-title", "rep-course-line"),
    "direction": ("rep-direction-title", "rep-direction-line"),
}
MET = {True: "rep-target-met", False: "rep-target-missed"}


# --- formatting ---------------------------------------------------------------------------------


def percent(tr: Text, value: float | None) -> str:
    if value is None:
        return "—"
    return format_percent(round(value, 3), locale=tr.lang, decimal_quantization=False)


def period_text(tr: Text, period: Period) -> Html:
    return tr("period", start=tr.date(period.start), end=tr.date(period.end))


def _today(tr: Text, clock: Clock) -> date:
    return clock.now().astimezone(tr.tz).date()


def _scope(actor: Actor, person: Person) -> Scope:
    return reports.scope_of(actor, person.active_role)


def _capped(tr: Text, lines: list[str]) -> list[str]:
    if len(lines) <= LINES_MAX:
        return lines
    return [*lines[:LINES_MAX], tr("rep-more", count=len(lines) - LINES_MAX)]


# --- the reports menu ---------------------------------------------------------------------------


def _offered(scope: Scope) -> tuple[str, ...]:
    if scope.role == Role.TEACHER:
        return TEACHER_REPORTS
    return (*TEXT_REPORTS, *CHARTS)


@router.message(Command("reports"))
@router.callback_query(Menu.filter(F.action == "reports"))
async def on_reports(
    event: Message | CallbackQuery,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """The reports this role may read, and the export."""
    await state.clear()
    await _reports_menu(event, tr, _scope(actor, person), Preset.TERM, clock)


async def _reports_menu(
    event: Message | CallbackQuery, tr: Text, scope: Scope, preset: str, clock: Clock
) -> None:
    offered = _offered(scope)
    # Two related reports share a row: enrollment by course and by direction, and so on.
    pairs = {"direction": "course", "attcourse": "attorg", "sizes": "weeks"}
    rows: list[list[InlineKeyboardButton]] = []
    previous = ""
    for r in offered:
        b = button(tr(REPORT_BUTTONS[r]), Rep(r=r, p=preset))
        if rows and pairs.get(r) == previous:
            rows[-1].append(b)
        else:
            rows.append([b])
        previous = r
    rows.append([button(tr("btn-export"), Exp())])
    rows.append([button(tr("btn-menu"), Menu(action="home"))])
    period = reports.preset_period(preset, _today(tr, clock))
    await show(event, tr("reports-title", period=period_text(tr, period)), keyboard(*rows))


def _report_keyboard(tr: Text, report: str, preset: str) -> list[list[InlineKeyboardButton]]:
    periods = [
        button(("• " if p == preset else "") + tr(key), Rep(r=report, p=p))
        for p, key in PRESET_BUTTONS.items()
    ]
    return [
        periods,
        [
            button(tr("btn-reports-back"), Menu(action="reports")),
            button(tr("btn-menu"), Menu(action="home")),
        ],
    ]


@router.callback_query(Rep.filter(F.r.in_(TEXT_REPORTS)))
async def on_report(
    query: CallbackQuery,
    callback_data: Rep,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
) -> None:
    """A report's figures for the chosen period, in the reader's scope."""
    scope = _scope(actor, person)
    period = reports.preset_period(callback_data.p, _today(tr, clock))
    text = await _report_text(callback_data.r, session, scope, period, tr, clock)
    await show(query, text, keyboard(*_report_keyboard(tr, callback_data.r, callback_data.p)))


async def _report_text(
    report: str, session: AsyncSession, scope: Scope, period: Period, tr: Text, clock: Clock
) -> str:
    when = period_text(tr, period)
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
                rate=percent(tr, r.rate),
                attended=r.attended,
                total=r.total,
            )
            for r in rates
        ]
        body = _capped(tr, lines) if rates else [tr("rep-empty")]
        return "\n".join([title, "", *body, "", tr("rep-att-note")])
    if report == "indicators":
        found = await reports.indicators(session, scope, period)
        target = percent(tr, reports.INDICATOR_TARGET)
        return "\n\n".join(
            [
                tr("rep-indicators-title", period=when),
                *(
                    tr(
                        key,
                        share=percent(tr, share.share),
                        involved=share.involved,
                        total=share.total,
                        met=tr(
                            "rep-target-met" if share.met else "rep-target-missed", target=target
                        ),
                    )
                    for key, share in (
                        ("rep-indicators-orgs", found.organisations),
                        ("rep-indicators-teachers", found.teachers),
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


@router.callback_query(Rep.filter(F.r.in_(CHARTS)))
async def on_chart(
    query: CallbackQuery,
    callback_data: Rep,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    """A chart as a photo; drawn in a worker thread, so other people's updates go on."""
    scope = _scope(actor, person)
    today = _today(tr, clock)
    period = reports.preset_period(callback_data.p, today)
    if callback_data.r == "weeks":
        weeks = await reports.attendance_by_week(session, scope, period, tr.tz, today)
        title = tr("chart-weeks-title")
        target = percent(tr, reports.INDICATOR_TARGET)
        labels = charts.Labels(
            title,
            tr("chart-weeks-axis"),
            tr("chart-weeks-series"),
            tr("chart-weeks-target", target=target),
        )
        drawn = any(w.total for w in weeks)
        draw = (
            charts.attendance_weeks_png,
            [tr.date(w.monday) for w in weeks],
            [w.rate for w in weeks],
            reports.INDICATOR_TARGET,
            labels,
        )
    else:
        groups = await reports.visible_groups(session, scope, period)
        groups.sort(key=lambda g: (g.enrolled - g.min_size, g.course, g.code))
        title = tr("chart-sizes-title")
        labels = charts.Labels(
            title, tr("chart-sizes-axis"), tr("chart-sizes-series"), tr("chart-sizes-minimum")
        )
        drawn = bool(groups)
        draw = (
            charts.groups_minimum_png,
            [f"{g.course} ({g.code})" for g in groups],
            [g.enrolled for g in groups],
            [g.min_size for g in groups],
            labels,
        )
    await session.commit()  # nothing more to read: the database is free while we draw
    if not drawn:
        callback_answer.text = tr("chart-empty")
        callback_answer.show_alert = True
        return
    png = await asyncio.to_thread(*draw)  # type: ignore[call-overload]
    if isinstance(query.message, Message):
        await query.message.answer_photo(
            BufferedInputFile(png, filename=f"{callback_data.r}.png"),
            caption=tr("chart-caption", title=title, period=period_text(tr, period)),
        )


# --- exports ------------------------------------------------------------------------------------


def _kind(data: Exp) -> ExportKind:
    try:
        return ExportKind(data.k)
    except ValueError:
        raise Invalid("error-bad-choice") from None


def _subject(data: Exp) -> Subject:
    try:
        return Subject(SubjectKind(data.s), data.i)
    except ValueError:
        raise Invalid("error-bad-choice") from None


@router.message(Command("export"))
@router.callback_query(Menu.filter(F.action == "export"))
@router.callback_query(Exp.filter(F.k == ""))
async def on_export(
    event: Message | CallbackQuery,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
) -> None:
    """What to export: the kinds this role may take."""
    await state.clear()
    scope = _scope(actor, person)
    rows = [[button(tr(KIND_KEYS[k]), Exp(k=k.value))] for k in exports.kinds_for(scope)]
    rows.append(
        [
            button(tr("btn-reports-back"), Menu(action="reports")),
            button(tr("btn-menu"), Menu(action="home")),
        ]
    )
    await show(event, tr("export-choose-kind"), keyboard(*rows))


@router.callback_query(Exp.filter((F.k != "") & (F.s == "")))
async def on_export_kind(
    query: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
) -> None:
    """Whose data: everything in reach, an organisation, a group or a student."""
    await state.clear()
    scope = _scope(actor, person)
    kind = _kind(callback_data)
    exports.check_kind(scope, kind)
    rows = [[button(tr("btn-exp-all"), Exp(k=kind.value, s=SubjectKind.ALL.value))]]
    choices = exports.subject_kinds(scope)
    rows += [[button(tr(SUBJECT_BUTTONS[c]), Exp(k=kind.value, s=c.value + "s"))] for c in choices]
    rows.append([button(tr("btn-back"), Exp()), button(tr("btn-menu"), Menu(action="home"))])
    await show(query, tr("export-choose-subject", kind=tr(KIND_KEYS[kind])), keyboard(*rows))


@router.callback_query(Exp.filter(F.s == "orgs"))
async def on_export_orgs(
    query: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
) -> None:
    kind = _kind(callback_data)
    found = await reports.organisations_seen(session, _scope(actor, person))
    rows = [[button(c.label, Exp(k=kind.value, s=SubjectKind.ORG.value, i=c.id))] for c in found]
    rows.append([button(tr("btn-back"), Exp(k=kind.value))])
    await show(query, tr("export-choose-org", kind=tr(KIND_KEYS[kind])), keyboard(*rows))


@router.callback_query(Exp.filter(F.s == "groups"))
async def on_export_groups(
    query: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
) -> None:
    kind = _kind(callback_data)
    found = await reports.groups_to_choose(session, _scope(actor, person))
    pages = max(1, math.ceil(len(found) / GROUPS_PAGE))
    page = min(max(callback_data.pg, 0), pages - 1)
    shown = found[page * GROUPS_PAGE : (page + 1) * GROUPS_PAGE]
    rows = [[button(c.label, Exp(k=kind.value, s=SubjectKind.GROUP.value, i=c.id))] for c in shown]
    turn = []
    if page > 0:
        turn.append(button(tr("btn-prev-page"), Exp(k=kind.value, s="groups", pg=page - 1)))
    if page < pages - 1:
        turn.append(button(tr("btn-next-page"), Exp(k=kind.value, s="groups", pg=page + 1)))
    rows += [turn, [button(tr("btn-back"), Exp(k=kind.value))]]
    text = tr("export-choose-group", kind=tr(KIND_KEYS[kind]), page=page + 1, pages=pages)
    await show(query, text, keyboard(*rows))


@router.callback_query(Exp.filter(F.s == "students"))
async def on_export_find(
    query: CallbackQuery,
    callback_data: Exp,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
) -> None:
    """A student is found by typing part of the name."""
    kind = _kind(callback_data)
    exports.check_kind(_scope(actor, person), kind, SubjectKind.STUDENT)
    await state.set_state(ExportInput.student)
    await state.update_data(kind=kind.value)
    await show(
        query, tr("export-ask-student"), keyboard([button(tr("btn-back"), Exp(k=kind.value))])
    )


@router.message(ExportInput.student, typed_text)
async def on_export_student_name(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
) -> None:
    kind = str((await state.get_data()).get("kind", ""))
    found = await reports.find_students(session, _scope(actor, person), message.text or "")
    rows = [[button(c.label, Exp(k=kind, s=SubjectKind.STUDENT.value, i=c.id))] for c in found]
    rows.append([button(tr("btn-back"), Exp(k=kind))])
    text = tr("export-students-found", count=len(found)) if found else tr("export-students-none")
    await message.answer(text, reply_markup=keyboard(*rows))


@router.callback_query(Exp.filter(F.s.in_([s.value for s in SubjectKind]) & (F.p == "")))
async def on_export_subject(
    query: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
) -> None:
    """Which period: the ready ranges, or one typed."""
    await state.clear()
    kind = _kind(callback_data)
    subject = _subject(callback_data)
    name = await exports.check_subject(session, _scope(actor, person), kind, subject)
    base = {"k": kind.value, "s": subject.kind.value, "i": subject.id}
    presets = [button(tr(key), Exp(**base, p=p.value)) for p, key in PRESET_BUTTONS.items()]
    rows = [
        presets,
        [button(tr("btn-period-custom"), Exp(**base, p="custom"))],
        [button(tr("btn-back"), Exp(k=kind.value)), button(tr("btn-menu"), Menu(action="home"))],
    ]
    text = tr(
        "export-choose-period",
        kind=tr(KIND_KEYS[kind]),
        subject=name or tr("export-subject-all"),
    )
    await show(query, text, keyboard(*rows))


@router.callback_query(Exp.filter(F.p == "custom"))
async def on_export_custom(
    query: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
) -> None:
    kind = _kind(callback_data)
    subject = _subject(callback_data)
    await exports.check_subject(session, _scope(actor, person), kind, subject)
    await state.set_state(ExportInput.period)
    await state.update_data(kind=kind.value, subject=subject.kind.value, id=subject.id)
    await show(
        query,
        tr("export-ask-period"),
        keyboard([button(tr("btn-back"), Exp(k=kind.value, s=subject.kind.value, i=subject.id))]),
    )


@router.message(ExportInput.period, typed_text)
async def on_export_period_typed(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    """A typed range; a wrong one is explained and the question stays open."""
    period = reports.parse_period(message.text or "")
    data = await state.get_data()
    await state.clear()
    kind = ExportKind(str(data["kind"]))
    subject = Subject(SubjectKind(str(data["subject"])), int(data["id"]))
    status = await message.answer(tr("export-loading"))
    await _export(status, session, tr, person, actor, clock, kind, subject, period)


@router.callback_query(Exp.filter(F.p.in_([p.value for p in Preset])))
async def on_export_run(
    query: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    kind = _kind(callback_data)
    subject = _subject(callback_data)
    period = reports.preset_period(callback_data.p, _today(tr, clock))
    if not isinstance(query.message, Message):
        return
    await _export(
        query.message,
        session,
        tr,
        person,
        actor,
        clock,
        kind,
        subject,
        period,
        query,
        callback_answer,
    )


async def _export(
    status: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    kind: ExportKind,
    subject: Subject,
    period: Period,
    query: CallbackQuery | None = None,
    callback_answer: CallbackAnswer | None = None,
) -> None:
    """Rows first (refused outside the scope), then the file, built off the event loop with
    its progress shown in `status`, edited in place."""
    table = await exports.load(
        session, _scope(actor, person), kind, subject, period, tr, clock.now()
    )
    # The rows are read and the export recorded: end the transaction, so the database (on
    # SQLite, its write lock) is not held while the workbook is built.
    await session.commit()
    if query is not None and callback_answer is not None and not callback_answer.answered:
        callback_answer.disable()  # answered now: a big file must not keep the button spinning
        await query.answer()
    done_keyboard = keyboard(
        [button(tr("btn-export-more"), Exp())],
        [
            button(tr("btn-reports-back"), Menu(action="reports")),
            button(tr("btn-menu"), Menu(action="home")),
        ],
    )
    when = period_text(tr, period)
    if not table.rows:
        await status.edit_text(
            tr("export-empty", period=when, kind=table.title), reply_markup=done_keyboard
        )
        return
    total = len(table.rows)
    status = _as_message(await status.edit_text(tr("export-building", total=total)), status)
    chunk = exports.CHUNK

    async def progress(done: int, total: int) -> None:
        nonlocal status
        if total > chunk and done < total:
            status = _as_message(
                await status.edit_text(tr("export-progress", done=done, total=total)), status
            )

    data = await exports.build_xlsx(table, tr.lang, progress, chunk=chunk)
    await status.answer_document(
        BufferedInputFile(data, filename=exports.file_name(kind, period)),
        caption=tr(
            "export-file-caption",
            kind=table.title,
            subject=table.subject or tr("export-subject-all"),
            period=when,
        ),
    )
    await status.edit_text(tr("export-done", rows=total), reply_markup=done_keyboard)


def _as_message(edited: Message | bool, previous: Message) -> Message:
    return edited if isinstance(edited, Message) else previous
