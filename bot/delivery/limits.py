"""How fast and when the delivery loop may send: each messenger's rate, one chat's pace, and
the quiet hours at night (non-urgent notifications wait for the morning)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

from services.quiet import in_quiet_hours, quiet_until

__all__ = ["MAX_SEND_RATE", "Limits", "in_quiet_hours", "quiet_until"]

# MAX counts every request against its 30 a second (polls and replies too): notifications
# leave the rest room.
MAX_SEND_RATE = 25


@dataclass(frozen=True)
class Limits:
    """How fast and when: per messenger rate, per chat pace, default quiet hours."""

    rate: int = 30
    # A messenger's own rate where it differs from `rate`.
    rates: Mapping[str, int] = field(default_factory=lambda: {"max": MAX_SEND_RATE})
    # Measured at our end, sends bunch up on the wire; a slightly longer window keeps the
    # messenger's own one-second count at or under `rate`.
    window: float = 1.05
    chat_interval: float = 1.0
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    batch: int = 10
