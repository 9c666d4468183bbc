"""Sandbox time: real time plus an offset that only grows, kept across restarts in a small file."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.delivery.limits import in_quiet_hours, quiet_until
from services.clock import OffsetClock

MAX_STEP = timedelta(days=366)


class TimeMachine:
    def __init__(self, clock: OffsetClock, timezone: str, path: Path | None = None) -> None:
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        self.path = path
        self.moved = asyncio.Event()  # set on every jump: the bot runs its scheduler at once
        if path is not None and path.exists():
            saved = float(path.read_text(encoding="utf-8").strip() or 0)
            clock.advance(timedelta(seconds=max(saved, 0.0)))

    def skip_quiet_hours(self, start: time, end: time) -> bool:
        """Move out of the night (when the bot holds notifications) to its end; True if moved.
        A sandbox first opened at 3 a.m. should still show a parent the student's request."""
        local = self.clock.now().astimezone(self.zone)
        if not in_quiet_hours(local.time(), start, end):
            return False
        self.advance((quiet_until(local, self.zone, end) - local).total_seconds())
        return True

    def advance(self, seconds: float) -> None:
        step = timedelta(seconds=seconds)
        if not timedelta(0) < step <= MAX_STEP:
            raise ValueError("seconds must be positive and at most a year")
        self.clock.advance(step)
        self.moved.set()
        if self.path is not None:
            self.path.write_text(str(self.clock.offset.total_seconds()), encoding="utf-8")

    def view(self) -> dict[str, Any]:
        now = self.clock.now()
        local = now.astimezone(self.zone)
        return {
            "now": now.isoformat(),
            "local": local.strftime("%a %d %b %Y, %H:%M"),
            "timezone": self.zone.key,
            "offset_seconds": self.clock.offset.total_seconds(),
        }
