"""Coordinators and the network admin: import a spreadsheet, the template, join codes."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import aiohttp
from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import import_view
from handlers.menu import home_button
from handlers.nav import Menu, Screen
from handlers.reply import Reply
from handlers.start import INVITE_PREFIX
from handlers.ui import (
    READ_ONLY,
    StartLinks,
    button,
    keyboard,
    links_text,
    only_buttons_of,
    typed_text,
)
from services import import_files, imports, sheets
from services.actor import Actor
from services.clock import Clock
from services.errors import Conflict, DomainError, Invalid
from services.i18n import Html, Text

PROGRESS_EVERY = 1.0  # seconds between edits of the progress message (Telegram's pace)
PROBLEMS_SHOWN = 15  # in the message; all of them go into a file
PENDING = "import_preview"  # the conversation's state: the preview waiting for «Import»
TEXT_BUDGET = 3800  # under Telegram's 4096 and MAX's 4000


class ImportFlow(StatesGroup):
    """Waiting for the spreadsheet after /import."""

    file = State()


class ImportAction(StrEnum):
    TEMPLATE = "template"
    CODES = "codes"


class ImportAct(CallbackData, prefix="imp"):
    action: ImportAction


class Decision(StrEnum):
    IMPORT = "import"
    CANCEL = "cancel"


class ImportDecision(CallbackData, prefix="impd"):
    """A preview's buttons, bound to it by its token."""

    token: str
    action: Decision


async def on_import(
    _: Message | CallbackQuery, tr: Text, actor: Actor, state: FSMContext, reply: Reply
) -> None:
    """What the import takes; the next document sent is the file to import."""
    imports.importable_orgs(actor)
    await state.set_state(ImportFlow.file)
    await state.update_data({PENDING: None})
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
    start_links: StartLinks,
    reply: Reply,
) -> None:
    """One-time codes for imported people who have not joined yet, as a sheet to hand out
    (a link for each messenger the bot serves)."""
    codes = await imports.join_codes(session, actor, clock.now())
    if not codes:
        reply.send(tr("import-codes-none"))
        return
    links = [
        (
            f"/start {INVITE_PREFIX}{c.invite}",
            links_text(tr, await start_links.for_reader(bot, INVITE_PREFIX + c.invite)),
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


@dataclass(frozen=True)
class _Upload:
    """The file a preview is about: the messenger keeps it, so confirming downloads it again
    rather than keeping thousands of checked rows in the conversation's state."""

    file_id: str
    name: str


async def _read(
    reply: Reply, status: Message, tr: Text, bot: Bot, upload: _Upload
) -> tuple[list[sheets.Sheet], imports.Checked] | None:
    """Download, read and check the file cell by cell, showing progress; None if it was
    refused whole (and said so)."""
    try:
        data = (await bot.download(upload.file_id)).read()  # type: ignore[union-attr]
    except (TelegramAPIError, aiohttp.ClientError):
        await reply.edit_now(status, tr("import-error-file-gone"))
        return None
    try:
        tables = await asyncio.to_thread(sheets.read_file, upload.name, data)
    except DomainError as error:
        await reply.edit_now(status, tr.render(error.key, error.params))
        return None
    return tables, await imports.check_file(tables, _Progress(reply, status, tr))


async def on_file(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    state: FSMContext,
    reply: Reply,
) -> None:
    """Read and check the file, showing progress in one message, then what importing it
    would change, with «Import» and «Cancel»: nothing is written before «Import»."""
    imports.importable_orgs(actor)
    document = message.document
    assert document is not None
    if (document.file_size or 0) > sheets.MAX_FILE_BYTES:
        raise Invalid("import-error-file-too-big", mb=sheets.MAX_FILE_BYTES // (1024 * 1024))
    # A newer file makes the buttons of an older preview stale.
    await state.update_data({PENDING: None})
    # Nothing of the database is held while the file is downloaded, read and checked.
    await session.commit()
    status = await reply.send_now(tr("import-progress-reading"))
    upload = _Upload(document.file_id, document.file_name or "")
    found = await _read(reply, status, tr, bot, upload)
    if found is None:
        return
    tables, checked = found
    if checked.only_examples and not checked.problems:
        await reply.edit_now(status, tr("import-only-examples"))
        return
    outcome = await imports.preview(session, actor, checked, clock.now())
    await session.commit()  # nothing was kept: the preview's transaction ends before we talk
    if isinstance(outcome, list):
        await _refuse(reply, status, tr, outcome, tables)
        return
    await _offer(reply, status, tr, state, upload, checked, outcome)


async def _offer(
    reply: Reply,
    status: Message,
    tr: Text,
    state: FSMContext,
    upload: _Upload,
    checked: imports.Checked,
    report: imports.Report,
    *,
    outdated: bool = False,
) -> None:
    """The preview with its own token; a file that changes nothing needs no confirming."""
    if not report.changed:
        await reply.edit_now(
            status, import_view.with_examples(tr, tr("import-nothing-changed"), checked)
        )
        return
    token = imports.new_token()
    await state.update_data(
        {
            PENDING: {
                "token": token,
                "file_id": upload.file_id,
                "name": upload.name,
                "expected": report.as_data(),
            }
        }
    )
    await reply.edit_now(
        status,
        import_view.preview_text(tr, checked, report, outdated=outdated),
        keyboard(
            [
                button(
                    tr.label("btn-import-confirm"),
                    ImportDecision(token=token, action=Decision.IMPORT),
                ),
                button(tr.label("btn-cancel"), ImportDecision(token=token, action=Decision.CANCEL)),
            ]
        ),
    )


async def _pending(state: FSMContext, token: str) -> dict[str, Any]:
    """The preview this button belongs to; a button of an older one, or of a preview already
    imported or cancelled, is stale."""
    pending = (await state.get_data()).get(PENDING)
    if not isinstance(pending, dict) or pending.get("token") != token:
        raise Conflict("error-stale-button")
    return pending


async def on_confirm(
    query: CallbackQuery,
    callback_data: ImportDecision,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    state: FSMContext,
    reply: Reply,
) -> None:
    """«Import»: the file is read again and checked against the database as it is now, then
    written, if it still does what the preview said."""
    imports.importable_orgs(actor)
    pending = await _pending(state, callback_data.token)
    await state.update_data({PENDING: None})  # a second press finds nothing to import
    await session.commit()
    await reply.answer_now()
    reading = tr("import-progress-reading")
    if isinstance(query.message, Message):
        status = query.message
        await reply.edit_now(status, reading)
    else:
        status = await reply.send_now(reading)
    upload = _Upload(str(pending["file_id"]), str(pending["name"]))
    found = await _read(reply, status, tr, bot, upload)
    if found is None:
        return
    tables, checked = found
    if not checked.problems:
        await reply.edit_now(status, tr("import-progress-saving"))
    outcome = await imports.apply(session, actor, checked, clock.now(), pending["expected"])
    await session.commit()  # written (or refused): told after the commit
    if isinstance(outcome, list):
        await _refuse(reply, status, tr, outcome, tables)
    elif isinstance(outcome, imports.Outdated):
        await _offer(reply, status, tr, state, upload, checked, outcome.report, outdated=True)
    else:
        await reply.edit_now(status, import_view.summary_text(tr, outcome))


async def on_cancel(
    _: CallbackQuery, callback_data: ImportDecision, tr: Text, state: FSMContext, reply: Reply
) -> None:
    await _pending(state, callback_data.token)
    await state.update_data({PENDING: None})
    reply.show(tr("import-cancelled"), keyboard([home_button(tr)]))


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


def setup() -> Router:
    router = Router(name="imports")
    router.callback_query.filter(only_buttons_of(Menu, ImportAct, ImportDecision))
    cb, msg = router.callback_query.register, router.message.register
    msg(on_import, Command("import"), flags=READ_ONLY)
    cb(on_import, Menu.filter(F.action == Screen.IMPORT), flags=READ_ONLY)
    msg(on_template, Command("template"), flags=READ_ONLY)
    cb(on_template, ImportAct.filter(F.action == ImportAction.TEMPLATE), flags=READ_ONLY)
    cb(on_join_codes, ImportAct.filter(F.action == ImportAction.CODES))
    msg(on_file, ImportFlow.file, F.document)
    cb(on_confirm, ImportDecision.filter(F.action == Decision.IMPORT))
    cb(on_cancel, ImportDecision.filter(F.action == Decision.CANCEL), flags=READ_ONLY)
    msg(on_text_instead_of_file, ImportFlow.file, typed_text, flags=READ_ONLY)
    return router
