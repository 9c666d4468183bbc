"""Keeping aiogram's answer models alive.

aiogram reads every Bot API answer with `Response[<the method's result type>]`, a pydantic
generic model made on demand; pydantic caches such models only weakly, so once the garbage
collector has run the next request builds the class again (about a millisecond, a large part of
a button press). Holding one reference per method type keeps the cache warm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod

_KEPT: dict[type[Any], type[Any]] = {}


class KeepResponseModels(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kind = type(method)
        if kind not in _KEPT:
            _KEPT[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)
