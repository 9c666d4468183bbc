"""Times of weekly slots as a reader in another time zone sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import WeeklySlot


@dataclass(frozen=True)
class LocalSlot:
    weekday: int
    start: time
    end: time


def slot_for_reader(
    slot: WeeklySlot, provider_tz: str, reader_tz: ZoneInfo, around: date
) -> LocalSlot:
    """A provider's weekly slot on the reader's clock, for the week of `around`."""
    day = around + timedelta(days=(slot.weekday - around.weekday()) % 7)
    zone = ZoneInfo(provider_tz)
    start = datetime.combine(day, slot.start_time, zone).astimezone(reader_tz)
    end = datetime.combine(day, slot.end_time, zone).astimezone(reader_tz)
    return LocalSlot(start.weekday(), start.time(), end.time())
