"""Coordinators and the network admin: import a spreadsheet, the template, join codes."""

from __future__ import annotations

import asyncio
import time
from enum import StrEnum

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.start import INVITE_PREFIX
from handlers.ui import READ_ONLY, button, keyboard, only_buttons_of, start_link, typed_text
from services import import_files, imports, sheets
from services.actor import Actor
from services.clock import Clock
from services.errors import DomainError, Invalid
from services.i18n import Html, Text
from services.import_columns import KIND_KEYS

PROGRESS_EVERY = 1.0  # seconds between edits of the progress message (Telegram's pace)
PROBLEMS_SHOWN = 15  # in the message; all of them go into a file
TEXT_BUDGET = 3800  # under Telegram's 4096 and MAX's 4000


class ImportFlow(StatesGroup):
    """Waiting for the spreadsheet after /import."""

    file = State()


class ImportAction(StrEnum):
    TEMPLATE = "template"
    CODES = "codes"


class ImportAct(CallbackData, prefix="imp"):
    action: ImportAction


async def on_import(
    _: Message | CallbackQuery, tr: Text, actor: Actor, state: FSMContext, reply: Reply
) -> None:
    """What the import takes; the next document sent is the file to import."""
    imports.importable_orgs(actor)
    await state.set_state(ImportFlow.file)
    reply.show(
        tr("import-intro"),
        keyboard(
            [
                button(tr.label("btn-import-template"), ImportAct(action=ImportAction.TEMPLATE)),
                button(tr.label("btn-import-codes"), ImportAct(action=ImportAction.CODES)),
            ],
            [home_button(tr)],
        ),
    )


async def on_template(
    _: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    reply: Reply,
) -> None:
    """The template: a sheet per kind with an example row, and a help sheet."""
    org_code = await imports.example_org_code(session, actor)
    await session.commit()  # the database is not held while the workbook is built
    today = clock.now().astimezone(tr.tz).date()
    data = await asyncio.to_thread(import_files.template, tr, org_code, today)
    reply.document(data, "import-template.xlsx", caption=tr("import-template-caption"))


async def on_join_codes(
    _: CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    reply: Reply,
) -> None:
    """One-time codes for imported people who have not joined yet, as a sheet to hand out."""
    codes = await imports.join_codes(session, actor, clock.now())
    if not codes:
        reply.send(tr("import-codes-none"))
        return
    links = [
        (
            f"/start {INVITE_PREFIX}{c.invite}",
            await start_link(bot, INVITE_PREFIX + c.invite),
        )
        for c in codes
    ]
    await session.commit()  # the database is not held while the workbook is built
    data = await asyncio.to_thread(import_files.join_codes_file, tr, codes, links)
    reply.document(data, "join-codes.xlsx", caption=tr("import-codes-caption", count=len(codes)))


class _Progress:
    """Edits the status message as rows are checked, at most once per PROGRESS_EVERY."""

    def __init__(self, reply: Reply, status: Message, tr: Text) -> None:
        self.reply = reply
        self.status = status
        self.tr = tr
        self.last = time.monotonic()

    async def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.last < PROGRESS_EVERY:
            return
        self.last = time.monotonic()
        await self.reply.edit_now(
            self.status, self.tr("import-progress-checked", done=done, total=total)
        )


async def on_file(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    reply: Reply,
) -> None:
    """Read, check, and import the file all or nothing, showing progress in one message."""
    imports.importable_orgs(actor)
    document = message.document
    assert document is not None
    if (document.file_size or 0) > sheets.MAX_FILE_BYTES:
        raise Invalid("import-error-file-too-big", mb=sheets.MAX_FILE_BYTES // (1024 * 1024))
    # Nothing of the database is held while the file is downloaded, read and checked.
    await session.commit()
    status = await reply.send_now(tr("import-progress-reading"))
    data = (await bot.download(document)).read()  # type: ignore[union-attr]
    try:
        tables = await asyncio.to_thread(sheets.read_file, document.file_name or "", data)
    except DomainError as error:
        await reply.edit_now(status, tr.render(error.key, error.params))
        return
    checked = await imports.check_file(tables, _Progress(reply, status, tr))
    if not checked.problems:
        await reply.edit_now(status, tr("import-progress-saving"))
    outcome = await imports.apply(session, actor, checked, clock.now())
    await session.commit()  # written (or refused): told after the commit
    if isinstance(outcome, list):
        await _refuse(reply, status, tr, outcome, tables)
        return
    await reply.edit_now(status, _summary(tr, outcome))


async def on_text_instead_of_file(_: Message, tr: Text, reply: Reply) -> None:
    reply.send(tr("import-send-document"))


async def _refuse(
    reply: Reply,
    status: Message,
    tr: Text,
    problems: list[imports.Problem],
    tables: list[sheets.Sheet],
) -> None:
    """Every problem at once: the first ones in the message, all of them in the person's own
    file sent back with the errors marked."""
    lines = [tr("import-refused", count=len(problems)), ""]
    size = sum(len(line) + 1 for line in lines)
    shown = 0
    for problem in problems[:PROBLEMS_SHOWN]:
        line = "• " + import_files.problem_text(tr, problem)
        if size + len(line) + 1 > TEXT_BUDGET - 200:
            break
        lines.append(line)
        size += len(line) + 1
        shown += 1
    if shown < len(problems):
        lines += ["", tr("import-problems-more", count=len(problems) - shown)]
    await reply.edit_now(status, Html("\n".join(lines)))
    if shown < len(problems):
        data = await asyncio.to_thread(import_files.problems_file, tr, problems, tables)
        await reply.document_now(
            data, "import-problems.xlsx", caption=tr("import-problems-caption")
        )


def _summary(tr: Text, report: imports.Report) -> Html:
    if not report.changed:
        return tr("import-nothing-changed")
    lines = [tr("import-done")]
    for kind, counts in report.counts.items():
        lines.append(
            tr(
                "import-done-line",
                kind=tr(KIND_KEYS[kind]),
                created=counts.created,
                updated=counts.updated,
                unchanged=counts.unchanged,
            )
        )
    if report.lessons_planned:
        lines.append(tr("import-done-lessons", count=report.lessons_planned))
    if report.notified:
        lines.append(tr("import-done-notified", count=report.notified))
    return Html("\n".join(lines))


def setup() -> Router:
    router = Router(name="imports")
    router.callback_query.filter(only_buttons_of(Menu, ImportAct))
    cb, msg = router.callback_query.register, router.message.register
    msg(on_import, Command("import"), flags=READ_ONLY)
    cb(on_import, Menu.filter(F.action == Screen.IMPORT), flags=READ_ONLY)
    msg(on_template, Command("template"), flags=READ_ONLY)
    cb(on_template, ImportAct.filter(F.action == ImportAction.TEMPLATE), flags=READ_ONLY)
    cb(on_join_codes, ImportAct.filter(F.action == ImportAction.CODES))
    msg(on_file, ImportFlow.file, F.document)
    msg(on_text_instead_of_file, ImportFlow.file, typed_text, flags=READ_ONLY)
    return router
