"""Times of weekly slots as a reader in another time zone sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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


WEEK_MINUTES = 7 * 24 * 60


def _week_interval(slot: WeeklySlot, timezone: str, around: date) -> tuple[int, int]:
    """A slot as minutes since Monday 00:00 UTC, for the week of `around`."""
    day = around + timedelta(days=(slot.weekday - around.weekday()) % 7)
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, slot.start_time, zone).astimezone(UTC)
    end = datetime.combine(day, slot.end_time, zone).astimezone(UTC)
    begin = start.weekday() * 1440 + start.hour * 60 + start.minute
    return begin, begin + int((end - start).total_seconds() // 60)


def slots_overlap(
    a: WeeklySlot, a_timezone: str, b: WeeklySlot, b_timezone: str, around: date
) -> bool:
    """Whether two weekly slots, of providers in any time zones, take the same time."""
    a_start, a_end = _week_interval(a, a_timezone, around)
    b_start, b_end = _week_interval(b, b_timezone, around)
    # Compare on a circle: a slot late on Sunday can run into Monday.
    return any(
        a_start < b_end + shift and b_start + shift < a_end
        for shift in (-WEEK_MINUTES, 0, WEEK_MINUTES)
    )
