"""Building screens: buttons, keyboards, limits of one message, and the routers' shared bits."""

from __future__ import annotations

from datetime import time
from typing import Any, Protocol

from aiogram import Bot, F
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from models.enums import Messenger
from services import text as texts
from services.i18n import Html, Label, Text

TELEGRAM_START_LINK = "https://t.me/{username}?start={payload}"
# Telegram's limits for one message.
TEXT_LIMIT = 4096


class QuietDefaults(Protocol):
    """The part of the bot's settings screens read: the quiet hours when nobody set any."""

    quiet_start: time
    quiet_end: time


# What a 360 px wide phone shows of a button without cutting it, by buttons in its row: the
# keyboard is about 344 px wide, a button's padding about 12 px a side, and a letter of
# Telegram's 14 px medium type about 7.3 px wide. Counted as Telegram counts text (UTF-16
# units: an emoji is two, and about as wide as two letters). No row holds more than three.
ROW_BUDGET = {1: 42, 2: 20, 3: 13}

# A handler flagged so only reads: its transaction takes no write lock (see bot/middlewares).
READ_ONLY: dict[str, Any] = {"read_only": True}


async def start_link(bot: Bot, payload: str) -> str:
    """A link that opens this bot with `payload`, on the messenger this bot is on (a MAX bot's
    session names MAX's link pattern; aiogram's own helper knows only Telegram's)."""
    me = await bot.me()
    pattern = getattr(bot.session, "start_link_pattern", TELEGRAM_START_LINK)
    return str(pattern).format(username=me.username, payload=payload)


class StartLinks:
    """Deep links into the bot on every messenger it serves: a code passed from a student on
    Telegram to a parent on MAX must open the bot on MAX too. Each bot is learnt at startup
    (aiogram keeps `me()` after the first call, so handlers never wait on it)."""

    def __init__(self) -> None:
        self.patterns: dict[str, str] = {}

    async def learn(self, bot: Bot) -> None:
        messenger = str(getattr(bot.session, "messenger", Messenger.TELEGRAM))
        self.patterns[messenger] = await start_link(bot, "{payload}")

    async def for_reader(self, bot: Bot, payload: str) -> list[tuple[str, str]]:
        """(messenger, link) for every messenger served, the reader's own first."""
        await self.learn(bot)
        own = str(getattr(bot.session, "messenger", Messenger.TELEGRAM))
        order = sorted(self.patterns, key=lambda m: m != own)
        return [(m, self.patterns[m].replace("{payload}", payload)) for m in order]


def links_text(tr: Text, links: list[tuple[str, str]]) -> Html:
    """Links on their own lines, each named by its messenger when there are several."""
    if len(links) == 1:
        return Html(links[0][1])
    return Html("\n".join(f"{tr(f'messenger-{m}')}: {link}" for m, link in links))


def button(text: Label, data: CallbackData | str) -> InlineKeyboardButton:
    """A button: its label is plain text (never HTML), cut (at a word) to what a phone shows
    of a button alone in its row."""
    text = Label(texts.clip(text, ROW_BUDGET[1], html=False))
    payload = data if isinstance(data, str) else data.pack()
    return InlineKeyboardButton(text=text, callback_data=payload)


def keyboard(*rows: list[InlineKeyboardButton] | None) -> InlineKeyboardMarkup:
    """The rows as given, but a row a phone cannot show whole is split (in order)."""
    fitted: list[list[InlineKeyboardButton]] = []
    for row in rows:
        if row:
            fitted += [row] if fits(row) else rows_of(row)
    return InlineKeyboardMarkup(inline_keyboard=fitted)


def width(label: str) -> int:
    """A label's width as Telegram counts text (UTF-16 units: most emoji are two)."""
    return texts.shown_length(label, html=False)


def shows_whole(label: str, in_row: int = 1) -> bool:
    """Whether a phone shows this label whole in a row of `in_row` buttons."""
    budget = ROW_BUDGET.get(in_row)
    return budget is not None and width(label) <= budget


def fits(row: list[InlineKeyboardButton]) -> bool:
    """Whether a phone shows every label of this row whole."""
    return all(shows_whole(b.text, len(row)) for b in row)


def rows_of(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Buttons packed into rows a phone shows whole: short ones side by side (three at most),
    long ones alone."""
    rows: list[list[InlineKeyboardButton]] = []
    for b in buttons:
        if rows and fits([*rows[-1], b]):
            rows[-1].append(b)
        else:
            rows.append([b])
    return rows


def clip(text: str) -> str:
    """Keep a screen within one message; screens are built to fit, this is the last guard."""
    return texts.clip(text, TEXT_LIMIT, at="\n", mark="\n…")


async def typed_text(message: Message) -> bool:
    """Text a person typed as an answer: commands are not answers, they go to their handlers."""
    return bool(message.text) and not message.text.startswith("/")  # type: ignore[union-attr]


def shorten(text: str, limit: int) -> str:
    """Cut free text (a description) at a word boundary so a screen stays readable."""
    return texts.clip(text, limit, html=False)


def only_buttons_of(*kinds: type[CallbackData]) -> Any:
    """A router's filter for presses: a flow takes only its own buttons, so a press of
    another flow's skips it with one prefix check instead of a failed parse per handler."""
    prefixes = tuple(kind.__prefix__ + kind.__separator__ for kind in kinds)
    return F.data.startswith(prefixes)
