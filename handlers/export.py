"""Exports to Excel: what (applications, enrollments, attendance), whose (everything in
reach, an organisation, a group, a student), which period; then the file, built off the event
loop with its progress shown in one message."""

from __future__ import annotations

import math

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import report_view as view
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, typed_text
from models import Person
from services import exports, reports
from services.actor import Actor
from services.clock import Clock
from services.errors import Invalid
from services.exports import ExportKind
from services.i18n import Label, Text
from services.reports import Period, Preset, Subject, SubjectKind

GROUPS_PAGE = 8
SUBJECT_BUTTONS = {
    SubjectKind.ORG: "btn-exp-org",
    SubjectKind.GROUP: "btn-exp-group",
    SubjectKind.STUDENT: "btn-exp-student",
}
KIND_KEYS = exports.TITLES


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


async def on_export(
    _: Message | CallbackQuery,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """What to export: the kinds this role may take."""
    await state.clear()
    scope = view.scope(actor, person)
    rows = [[button(tr.label(KIND_KEYS[k]), Exp(k=k.value))] for k in exports.kinds_for(scope)]
    rows.append(view.back_row(tr))
    reply.show(tr("export-choose-kind"), keyboard(*rows))


async def on_export_kind(
    _: CallbackQuery,
    callback_data: Exp,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Whose data: everything in reach, an organisation, a group or a student."""
    await state.clear()
    scope = view.scope(actor, person)
    kind = _kind(callback_data)
    exports.check_kind(scope, kind)
    rows = [[button(tr.label("btn-exp-all"), Exp(k=kind.value, s=SubjectKind.ALL.value))]]
    choices = exports.subject_kinds(scope)
    rows += [
        [button(tr.label(SUBJECT_BUTTONS[c]), Exp(k=kind.value, s=c.value + "s"))] for c in choices
    ]
    rows.append([button(tr.label("btn-back"), Exp()), home_button(tr)])
    reply.show(tr("export-choose-subject", kind=tr(KIND_KEYS[kind])), keyboard(*rows))


async def on_export_orgs(
    _: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    reply: Reply,
) -> None:
    kind = _kind(callback_data)
    found = await reports.organisations_seen(session, view.scope(actor, person))
    rows = [
        [button(Label(c.label), Exp(k=kind.value, s=SubjectKind.ORG.value, i=c.id))] for c in found
    ]
    rows.append([button(tr.label("btn-back"), Exp(k=kind.value))])
    reply.show(tr("export-choose-org", kind=tr(KIND_KEYS[kind])), keyboard(*rows))


async def on_export_groups(
    _: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    reply: Reply,
) -> None:
    kind = _kind(callback_data)
    found = await reports.groups_to_choose(session, view.scope(actor, person))
    pages = max(1, math.ceil(len(found) / GROUPS_PAGE))
    page = min(max(callback_data.pg, 0), pages - 1)
    shown = found[page * GROUPS_PAGE : (page + 1) * GROUPS_PAGE]
    rows = [
        [button(Label(c.label), Exp(k=kind.value, s=SubjectKind.GROUP.value, i=c.id))]
        for c in shown
    ]
    turn = []
    if page > 0:
        turn.append(button(tr.label("btn-prev-page"), Exp(k=kind.value, s="groups", pg=page - 1)))
    if page < pages - 1:
        turn.append(button(tr.label("btn-next-page"), Exp(k=kind.value, s="groups", pg=page + 1)))
    rows += [turn, [button(tr.label("btn-back"), Exp(k=kind.value))]]
    text = tr("export-choose-group", kind=tr(KIND_KEYS[kind]), page=page + 1, pages=pages)
    reply.show(text, keyboard(*rows))


async def on_export_find(
    _: CallbackQuery,
    callback_data: Exp,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """A student is found by typing part of the name."""
    kind = _kind(callback_data)
    exports.check_kind(view.scope(actor, person), kind, SubjectKind.STUDENT)
    await state.set_state(ExportInput.student)
    await state.update_data(kind=kind.value)
    reply.show(
        tr("export-ask-student"), keyboard([button(tr.label("btn-back"), Exp(k=kind.value))])
    )


async def on_export_student_name(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    kind = str((await state.get_data()).get("kind", ""))
    found = await reports.find_students(session, view.scope(actor, person), message.text or "")
    rows = [
        [button(Label(c.label), Exp(k=kind, s=SubjectKind.STUDENT.value, i=c.id))] for c in found
    ]
    rows.append([button(tr.label("btn-back"), Exp(k=kind))])
    text = tr("export-students-found", count=len(found)) if found else tr("export-students-none")
    reply.send(text, keyboard(*rows))


async def on_export_subject(
    _: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Which period: the ready ranges, or one typed."""
    await state.clear()
    kind = _kind(callback_data)
    subject = _subject(callback_data)
    name = await exports.check_subject(session, view.scope(actor, person), kind, subject)
    base = Exp(k=kind.value, s=subject.kind.value, i=subject.id)
    presets = [
        button(tr.label(key), base.model_copy(update={"p": p.value}))
        for p, key in view.PRESET_BUTTONS.items()
    ]
    rows = [
        presets,
        [button(tr.label("btn-period-custom"), base.model_copy(update={"p": "custom"}))],
        [button(tr.label("btn-back"), Exp(k=kind.value)), home_button(tr)],
    ]
    text = tr(
        "export-choose-period",
        kind=tr(KIND_KEYS[kind]),
        subject=name or tr("export-subject-all"),
    )
    reply.show(text, keyboard(*rows))


async def on_export_custom(
    _: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    state: FSMContext,
    reply: Reply,
) -> None:
    kind = _kind(callback_data)
    subject = _subject(callback_data)
    await exports.check_subject(session, view.scope(actor, person), kind, subject)
    await state.set_state(ExportInput.period)
    await state.update_data(kind=kind.value, subject=subject.kind.value, id=subject.id)
    reply.show(
        tr("export-ask-period"),
        keyboard(
            [button(tr.label("btn-back"), Exp(k=kind.value, s=subject.kind.value, i=subject.id))]
        ),
    )


async def on_export_period_typed(
    message: Message,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    reply: Reply,
) -> None:
    """A typed range; a wrong one is explained and the question stays open."""
    period = reports.parse_period(message.text or "")
    data = await state.get_data()
    await state.clear()
    kind = ExportKind(str(data["kind"]))
    subject = Subject(SubjectKind(str(data["subject"])), int(data["id"]))
    await _export(reply, None, session, tr, person, actor, clock, kind, subject, period)


async def on_export_run(
    query: CallbackQuery,
    callback_data: Exp,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    kind = _kind(callback_data)
    subject = _subject(callback_data)
    period = reports.preset_period(callback_data.p, view.today(tr, clock))
    status = query.message if isinstance(query.message, Message) else None
    await _export(reply, status, session, tr, person, actor, clock, kind, subject, period)


async def _export(
    reply: Reply,
    status: Message | None,
    session: AsyncSession,
    tr: Text,
    person: Person,
    actor: Actor,
    clock: Clock,
    kind: ExportKind,
    subject: Subject,
    period: Period,
) -> None:
    """Rows first (refused outside the scope), then the file, built off the event loop with
    its progress shown in `status` (the pressed message, or a new one), edited in place."""
    table = await exports.load(
        session, view.scope(actor, person), kind, subject, period, tr, clock.now()
    )
    # The rows are read and the export recorded: end the transaction, so the database (on
    # SQLite, its write lock) is not held while the workbook is built and sent.
    await session.commit()
    await reply.answer_now()  # a big file must not keep the button spinning
    done_keyboard = keyboard([button(tr.label("btn-export-more"), Exp())], view.back_row(tr))
    when = view.period_text(tr, period)
    if not table.rows:
        text = tr("export-empty", period=when, kind=table.title)
        if status is None:
            reply.send(text, done_keyboard)
        else:
            await reply.edit_now(status, text, done_keyboard)
        return
    total = len(table.rows)
    building = tr("export-building", total=total)
    if status is None:
        status = await reply.send_now(building)
    else:
        await reply.edit_now(status, building)
    shown = status
    chunk = exports.CHUNK

    async def progress(done: int, total: int) -> None:
        if total > chunk and done < total:
            await reply.edit_now(shown, tr("export-progress", done=done, total=total))

    data = await exports.build_xlsx(table, tr.lang, progress, chunk=chunk)
    await reply.document_now(
        data,
        exports.file_name(kind, period),
        caption=tr(
            "export-file-caption",
            kind=table.title,
            subject=table.subject or tr("export-subject-all"),
            period=when,
        ),
    )
    await reply.edit_now(status, tr("export-done", rows=total), done_keyboard)


def setup() -> Router:
    router = Router(name="export")
    router.callback_query.filter(only_buttons_of(Menu, Exp))
    cb, msg = router.callback_query.register, router.message.register
    msg(on_export, Command("export"), flags=READ_ONLY)
    cb(on_export, Menu.filter(F.action == Screen.EXPORT), flags=READ_ONLY)
    cb(on_export, Exp.filter(F.k == ""), flags=READ_ONLY)
    cb(on_export_kind, Exp.filter((F.k != "") & (F.s == "")), flags=READ_ONLY)
    cb(on_export_orgs, Exp.filter(F.s == "orgs"), flags=READ_ONLY)
    cb(on_export_groups, Exp.filter(F.s == "groups"), flags=READ_ONLY)
    cb(on_export_find, Exp.filter(F.s == "students"), flags=READ_ONLY)
    msg(on_export_student_name, ExportInput.student, typed_text, flags=READ_ONLY)
    cb(
        on_export_subject,
        Exp.filter(F.s.in_([s.value for s in SubjectKind]) & (F.p == "")),
        flags=READ_ONLY,
    )
    cb(on_export_custom, Exp.filter(F.p == "custom"), flags=READ_ONLY)
    msg(on_export_period_typed, ExportInput.period, typed_text)
    cb(on_export_run, Exp.filter(F.p.in_([p.value for p in Preset])))
    return router
