"""Logging set-up. Some libraries log the parameters of every SQL statement at DEBUG — names
of children among them — so they stay at INFO whatever LOG_LEVEL asks for."""

from __future__ import annotations

import logging

# Loggers that would print personal data at DEBUG.
CHATTY = ("aiosqlite", "sqlalchemy.engine", "asyncpg")


def configure(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    keep_personal_data_out()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # The scheduler would log two lines for every run of every job (progress runs every 3 s).
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


def keep_personal_data_out() -> None:
    for name in CHATTY:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)
