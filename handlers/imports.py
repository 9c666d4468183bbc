"""Coordinators and the network admin: import a spreadsheet, the template, join codes."""

from __future__ import annotations

import asyncio
import time

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.menu import Menu
from handlers.start import INVITE_PREFIX
from handlers.ui import button, clip, keyboard, show, start_link, typed_text
from services import import_files, imports, sheets
from services.clock import Clock
from services.errors import DomainError, Invalid
from services.i18n import Text
from services.import_columns import KIND_KEYS
from services.people import Actor

router = Router(name="imports")

PROGRESS_EVERY = 1.0  # seconds between edits of the progress message (Telegram's pace)
PROBLEMS_SHOWN = 15  # in the message; all of them go into a file
TEXT_BUDGET = 3800  # under Telegram's 4096 and MAX's 4000


class ImportFlow(StatesGroup):
    """Waiting for the spreadsheet after /import."""

    file = State()


class ImportAct(CallbackData, prefix="imp"):
    action: str  # "template" or "codes"


@router.message(Command("import"))
@router.callback_query(Menu.filter(F.action == "import"))
async def on_import(
    event: Message | CallbackQuery, tr: Text, actor: Actor, state: FSMContext
) -> None:
    """What the import takes; the next document sent is the file to import."""
    imports.importable_orgs(actor)
    await state.set_state(ImportFlow.file)
    await show(
        event,
        tr("import-intro"),
        keyboard(
            [
                button(tr("btn-import-template"), ImportAct(action="template")),
                button(tr("btn-import-codes"), ImportAct(action="codes")),
            ],
            [button(tr("btn-menu"), Menu(action="home"))],
        ),
    )


@router.message(Command("template"))
@router.callback_query(ImportAct.filter(F.action == "template"))
async def on_template(
    event: Message | CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    """The template: a sheet per kind with an example row, and a help sheet."""
    org_code = await imports.example_org_code(session, actor)
    today = clock.now().astimezone(tr.tz).date()
    data = await asyncio.to_thread(import_files.template, tr, org_code, today)
    await bot.send_document(
        _chat_id(event),
        BufferedInputFile(data, filename="import-template.xlsx"),
        caption=tr("import-template-caption"),
    )


@router.callback_query(ImportAct.filter(F.action == "codes"))
async def on_join_codes(
    query: CallbackQuery,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    """One-time codes for imported people who have not joined yet, as a sheet to hand out."""
    codes = await imports.join_codes(session, actor, clock.now())
    if not codes:
        await bot.send_message(_chat_id(query), tr("import-codes-none"))
        return
    links = [
        (
            f"/start {INVITE_PREFIX}{c.invite}",
            await start_link(bot, INVITE_PREFIX + c.invite),
        )
        for c in codes
    ]
    data = await asyncio.to_thread(import_files.join_codes_file, tr, codes, links)
    await bot.send_document(
        _chat_id(query),
        BufferedInputFile(data, filename="join-codes.xlsx"),
        caption=tr("import-codes-caption", count=len(codes)),
    )


def _chat_id(event: Message | CallbackQuery) -> int:
    """The chat the press or message came from (a private chat: on MAX too, its id is the
    person's user id)."""
    message = event if isinstance(event, Message) else event.message
    return message.chat.id if message is not None else event.from_user.id


async def _edit(status: Message, text: str) -> None:
    try:
        await status.edit_text(text)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise


class _Progress:
    """Edits the status message as rows are checked, at most once per PROGRESS_EVERY."""

    def __init__(self, status: Message, tr: Text) -> None:
        self.status = status
        self.tr = tr
        self.last = time.monotonic()

    async def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.last < PROGRESS_EVERY:
            return
        self.last = time.monotonic()
        await _edit(self.status, self.tr("import-progress-checked", done=done, total=total))


@router.message(ImportFlow.file, F.document)
async def on_file(
    message: Message,
    session: AsyncSession,
    tr: Text,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    """Read, check, and import the file all or nothing, showing progress in one message."""
    imports.importable_orgs(actor)
    document = message.document
    assert document is not None
    if (document.file_size or 0) > sheets.MAX_FILE_BYTES:
        raise Invalid("import-error-file-too-big", mb=sheets.MAX_FILE_BYTES // (1024 * 1024))
    status = await message.answer(tr("import-progress-reading"))
    # Nothing of the database is held while the file is downloaded, read and checked.
    await session.commit()
    data = (await bot.download(document)).read()  # type: ignore[union-attr]
    try:
        tables = await asyncio.to_thread(sheets.read_file, document.file_name or "", data)
    except DomainError as error:
        await _edit(status, tr.render(error.key, error.params))
        return
    checked = await imports.check_file(tables, _Progress(status, tr))
    if not checked.problems:
        await _edit(status, tr("import-progress-saving"))
    outcome = await imports.apply(session, actor, checked, clock.now())
    if isinstance(outcome, list):
        await _refuse(status, tr, outcome, tables, bot, message.chat.id)
        return
    await _edit(status, _summary(tr, outcome))


@router.message(ImportFlow.file, typed_text)
async def on_text_instead_of_file(message: Message, tr: Text) -> None:
    await message.answer(tr("import-send-document"))


async def _refuse(
    status: Message,
    tr: Text,
    problems: list[imports.Problem],
    tables: list[sheets.Sheet],
    bot: Bot,
    chat_id: int,
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
    await _edit(status, clip("\n".join(lines)))
    if shown < len(problems):
        data = await asyncio.to_thread(import_files.problems_file, tr, problems, tables)
        await bot.send_document(
            chat_id,
            BufferedInputFile(data, filename="import-problems.xlsx"),
            caption=tr("import-problems-caption"),
        )


def _summary(tr: Text, report: imports.Report) -> str:
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
    return "\n".join(lines)
