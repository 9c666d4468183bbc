"""aiogram's session seam, pointed at MAX: the handlers call the Bot API methods they always
call (send a screen, edit it, answer a button, send a file) and this session says them to MAX
through the `maxapi` library. MAX's failures come back as aiogram's exceptions, so retries,
"blocked by the user" and "retry after" are handled by the code that already handles them.

What a screen is — text and rows of buttons — is the same on both messengers; only this
module knows how MAX sends, edits and answers one, and MAX's limits.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

import aiohttp
from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BotCommandScopeDefault,
    File,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    User,
)
from maxapi.enums.parse_mode import ParseMode as MaxFormat
from maxapi.enums.upload_type import UploadType
from maxapi.exceptions.max import MaxApiError, MaxConnection
from maxapi.types.attachments.attachment import Attachment, ButtonsPayload
from maxapi.types.attachments.buttons.callback_button import CallbackButton
from maxapi.types.attachments.buttons.link_button import LinkButton
from maxapi.types.command import BotCommand as MaxCommand
from maxapi.types.input_media import InputMediaBuffer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.rate_limit import RequestWindow
from bot.max.client import MaxClient
from models.enums import Messenger
from services import message_refs
from services.clock import Clock
from services.text import clip

logger = logging.getLogger(__name__)

# MAX allows 30 requests a second per bot (MAX Bot API 0.0.32).
REQUESTS_PER_SECOND = 30
# MAX's limits for one message: MAX takes 4000 characters, the
# library refuses 4000 itself, so 3999.
TEXT_LIMIT = 3999
BUTTONS_PER_ROW = 7
LINK_BUTTONS_PER_ROW = 3  # a row with a link button holds three
ROWS_LIMIT = 30
BUTTONS_LIMIT = 210
# Files users send are fetched from the address MAX gives; the "file path" is that address.
FILES = TelegramAPIServer(base="max://{token}/{method}", file="{path}")

Handler = Callable[["MaxSession", Bot, Any], Awaitable[Any]]
HANDLERS: dict[type[TelegramMethod[Any]], Handler] = {}


def handles(*methods: type[TelegramMethod[Any]]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for method in methods:
            HANDLERS[method] = handler
        return handler

    return register


class MaxSession(BaseSession):
    messenger = Messenger.MAX
    # Deep links open the bot on MAX with a `bot_started` update carrying the payload.
    start_link_pattern = "https://max.ru/{username}?start={payload}"
    text_limit = TEXT_LIMIT

    def __init__(
        self,
        client: MaxClient,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        commands_language: str = "ru",
        limiter: RequestWindow | None = None,
    ) -> None:
        super().__init__()
        self.api = FILES
        self.client = client
        self.session_factory = session_factory
        self.clock = clock
        self.commands_language = commands_language
        # MAX counts every request of the bot against one limit: sessions of one process
        # (the handlers' and the sender's) share a window, so their sum keeps within it.
        self.limiter = limiter
        self._downloads: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        await self.client.close_session()
        if self._downloads is not None:
            await self._downloads.close()
        if self.limiter is not None:
            await self.limiter.close()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        handler = HANDLERS.get(type(method))
        if handler is None:
            raise TelegramBadRequest(method, f"{method.__api_method__} is not available on MAX")
        try:
            if self.limiter is None:
                return await handler(self, bot, method)
            async with self.limiter.request():
                return await handler(self, bot, method)
        except MaxApiError as exc:
            raise _translate(method, exc) from exc
        except MaxConnection as exc:
            raise TelegramNetworkError(method, str(exc)) from exc

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        if self._downloads is None:
            self._downloads = aiohttp.ClientSession()
        async with self._downloads.get(
            url, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            if raise_for_status:
                response.raise_for_status()
            async for chunk in response.content.iter_chunked(chunk_size):
                yield chunk

    # Message numbers: MAX names messages with strings, aiogram numbers them.

    @contextlib.asynccontextmanager
    async def _database(self) -> AsyncIterator[AsyncSession]:
        """A short session of our own: replies are sent after the update's transaction has
        ended (handlers/reply.py), so this never waits on it."""
        async with self.session_factory() as session:
            yield session
            await session.commit()

    async def number(self, mid: str) -> int:
        async with self._database() as session:
            return await message_refs.number_for(
                session, self.messenger.value, mid, self.clock.now()
            )

    async def mid(self, method: TelegramMethod[Any], number: int | None) -> str:
        mid = None
        if number is not None:
            async with self._database() as session:
                mid = await message_refs.external_id_of(session, self.messenger.value, number)
        if mid is None:
            raise TelegramBadRequest(method, "message to edit not found")
        return mid

    async def sent(
        self, bot: Bot, chat_id: int, reply: Any, text: str | None, markup: Any
    ) -> Message:
        """The aiogram message for what MAX says it sent."""
        message = reply.message
        body = message.body
        return Message.model_validate(
            {
                "message_id": await self.number(body.mid),
                "date": datetime.fromtimestamp(message.timestamp / 1000, UTC),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": bot.id, "is_bot": True, "first_name": "bot"},
                "text": text,
                "reply_markup": markup.model_dump() if markup else None,
            },
            context={"bot": bot},
        )


def _resolve(bot: Bot, value: Any) -> Any:
    return bot.default[value.name] if isinstance(value, Default) else value


def _format(bot: Bot, parse_mode: Any) -> MaxFormat | None:
    mode = _resolve(bot, parse_mode)
    if mode is None:
        return None
    # ParseMode is a str-mixin Enum: its str() is "ParseMode.HTML", its value "HTML".
    if str(getattr(mode, "value", mode)).lower() == "html":
        return MaxFormat.HTML
    return MaxFormat.MARKDOWN


def fit_text(text: str) -> str:
    """The last guard: screens and split notifications are built to fit already."""
    return clip(text, TEXT_LIMIT, at="\n", mark="\n…")


def keyboard(markup: Any) -> list[Attachment]:
    """Telegram's inline keyboard as MAX's: long rows wrap (MAX allows 7 buttons a row)."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    rows: list[list[Any]] = []
    for row in markup.inline_keyboard:
        buttons: list[Any] = []
        for button in row:
            if button.callback_data is not None:
                buttons.append(CallbackButton(text=button.text, payload=button.callback_data))
            elif button.url is not None:
                buttons.append(LinkButton(text=button.text, url=button.url))
        per_row = (
            LINK_BUTTONS_PER_ROW
            if any(isinstance(b, LinkButton) for b in buttons)
            else BUTTONS_PER_ROW
        )
        rows += [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    if not rows:
        return []
    total = sum(map(len, rows))
    if total > BUTTONS_LIMIT:  # Telegram allows 100 buttons, so no screen comes near
        raise ValueError("the keyboard is larger than MAX allows")
    if len(rows) > ROWS_LIMIT:
        # A long list (a roster of 40) has more rows than MAX shows: the same buttons, in
        # order, a few to a row.
        flat = [button for row in rows for button in row]
        width = -(-total // ROWS_LIMIT)
        rows = [flat[i : i + width] for i in range(0, total, width)]
    # maxapi leaves pack() unannotated.
    return [ButtonsPayload(buttons=rows).pack()]  # type: ignore[no-untyped-call]


def _translate(method: TelegramMethod[Any], exc: MaxApiError) -> TelegramAPIError:
    raw = exc.raw if isinstance(exc.raw, dict) else {}
    text = str(raw.get("message") or raw.get("code") or exc.raw)
    if exc.code == 429:
        return TelegramRetryAfter(method, text, retry_after=1)
    if exc.code == 403:
        return TelegramForbiddenError(method, text)
    if exc.code == 404:
        return TelegramNotFound(method, text)
    if exc.code == 401:
        return TelegramUnauthorizedError(method, text)
    if exc.code >= 500:
        return TelegramServerError(method, text)
    return TelegramBadRequest(method, text)


@handles(GetMe)
async def _get_me(session: MaxSession, bot: Bot, method: GetMe) -> User:
    me = await session.client.get_me()
    return User(id=me.user_id, is_bot=True, first_name=me.first_name, username=me.username or None)


@handles(SendMessage)
async def _send_message(session: MaxSession, bot: Bot, method: SendMessage) -> Message:
    text = fit_text(method.text)
    reply = await session.client.send_message(
        user_id=int(method.chat_id),  # a person's dialog is named by their id (see updates.py)
        text=text,
        format=_format(bot, method.parse_mode),
        attachments=cast(Any, keyboard(method.reply_markup)) or None,
        disable_link_preview=True,
    )
    return await session.sent(bot, int(method.chat_id), reply, text, method.reply_markup)


@handles(EditMessageText)
async def _edit_text(session: MaxSession, bot: Bot, method: EditMessageText) -> bool:
    mid = await session.mid(method, method.message_id)
    # Telegram drops the keyboard of an edited message unless it is given again; so does this.
    await session.client.edit_message(
        message_id=mid,
        text=None if method.text is None else fit_text(method.text),  # None keeps the text
        format=_format(bot, method.parse_mode),
        attachments=cast(Any, keyboard(method.reply_markup)),
    )
    return True


@handles(EditMessageReplyMarkup)
async def _edit_markup(session: MaxSession, bot: Bot, method: EditMessageReplyMarkup) -> bool:
    mid = await session.mid(method, method.message_id)
    await session.client.edit_message(
        message_id=mid, attachments=cast(Any, keyboard(method.reply_markup))
    )
    return True


@handles(DeleteMessage)
async def _delete(session: MaxSession, bot: Bot, method: DeleteMessage) -> bool:
    await session.client.delete_message(await session.mid(method, method.message_id))
    return True


@handles(AnswerCallbackQuery)
async def _answer(session: MaxSession, bot: Bot, method: AnswerCallbackQuery) -> bool:
    # MAX wants a message or a notification in every answer; a silent answer is not sent.
    if method.text:
        await session.client.send_callback(
            callback_id=method.callback_query_id, notification=method.text
        )
    return True


async def _read(bot: Bot, file: InputFile | str) -> bytes:
    if isinstance(file, str):
        raise TypeError("MAX takes files as uploads, not by id or address")
    return b"".join([chunk async for chunk in file.read(bot)])


async def _send_file(
    session: MaxSession, bot: Bot, method: Any, file: InputFile | str, kind: UploadType
) -> Message:
    data = await _read(bot, file)
    name = getattr(file, "filename", None)
    caption = fit_text(method.caption) if method.caption else None
    # Uploaded through the client itself, which keeps the file's name (see client.py).
    upload = await session.client.upload_media(InputMediaBuffer(data, filename=name, type=kind))
    reply = await session.client.send_message(
        user_id=int(method.chat_id),
        text=caption,
        format=_format(bot, method.parse_mode) if caption else None,
        attachments=cast(Any, [upload, *keyboard(method.reply_markup)]),
        sleep_after_input_media=False,
    )
    return await session.sent(bot, int(method.chat_id), reply, caption, method.reply_markup)


@handles(SendDocument)
async def _send_document(session: MaxSession, bot: Bot, method: SendDocument) -> Message:
    return await _send_file(session, bot, method, method.document, UploadType.FILE)


@handles(SendPhoto)
async def _send_photo(session: MaxSession, bot: Bot, method: SendPhoto) -> Message:
    return await _send_file(session, bot, method, method.photo, UploadType.IMAGE)


@handles(GetFile)
async def _get_file(session: MaxSession, bot: Bot, method: GetFile) -> File:
    # A file a person sent on MAX arrives with its download address as its id.
    return File(file_id=method.file_id, file_unique_id=method.file_id, file_path=method.file_id)


@handles(SendChatAction)
async def _chat_action(session: MaxSession, bot: Bot, method: SendChatAction) -> bool:
    return True  # "typing…" is a nicety; not worth a request against MAX's rate limit


@handles(SetMyCommands)
async def _set_commands(session: MaxSession, bot: Bot, method: SetMyCommands) -> bool:
    # MAX keeps one command list per bot: the default scope in the default language.
    scope_is_default = method.scope is None or isinstance(method.scope, BotCommandScopeDefault)
    if scope_is_default and method.language_code in (None, session.commands_language):
        await session.client.set_commands(
            *(MaxCommand(name=c.command, description=c.description) for c in method.commands)
        )
    return True


@handles(DeleteMyCommands, DeleteWebhook)
async def _nothing(session: MaxSession, bot: Bot, method: Any) -> bool:
    return True
