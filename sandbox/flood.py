"""Telegram's flood limits: messages per second per bot, and per chat with short bursts allowed.

Telegram documents about 30 messages per second per bot and about one per second per chat,
tolerating short bursts in one chat. Here a chat may receive at most `chat_burst` messages in
any `chat_burst / chat_per_second` seconds; the defaults leave ordinary conversations (a reply
and a notification or two) alone, tests set strict limits.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FloodLimits:
    bot_per_second: float = 30.0
    chat_per_second: float = 1.0
    chat_burst: int = 20

    @property
    def chat_window(self) -> float:
        return self.chat_burst / self.chat_per_second


@dataclass
class FloodControl:
    limits: FloodLimits = field(default_factory=FloodLimits)
    refused: int = 0  # how many sends were answered with 429
    _bot: deque[float] = field(default_factory=deque)
    _chats: dict[int, deque[float]] = field(default_factory=dict)

    def check(self, chat_id: int, now: float) -> int | None:
        """Seconds to wait (Telegram's retry_after) if this send would flood, else record it."""
        sent = self._chats.setdefault(chat_id, deque())
        _forget(self._bot, now - 1.0)
        _forget(sent, now - self.limits.chat_window)
        waits = []
        if len(self._bot) >= self.limits.bot_per_second:
            waits.append(self._bot[0] + 1.0 - now)
        if len(sent) >= self.limits.chat_burst:
            waits.append(sent[0] + self.limits.chat_window - now)
        if waits:
            self.refused += 1
            return max(1, math.ceil(max(waits)))
        self._bot.append(now)
        sent.append(now)
        return None


def _forget(times: deque[float], before: float) -> None:
    while times and times[0] <= before:
        times.popleft()
