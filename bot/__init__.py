"""The shell: entry point, settings, wiring, middlewares, delivery."""

from bot.lazy_types import import_aiogram

import_aiogram()
