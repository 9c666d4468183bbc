"""Times and dates as people type them in chat, one parser each.

A time is "15:30" or "15.30"; a range is two values with a hyphen or a dash between ("15:00 –
16:30", "01.09.2026-31.05.2027", or ".." between dates); a date is day.month.year with a
four-digit year. Each caller names the refusals its own question gets and adds its own rule
about the order and length of a range (quiet hours may span midnight, a lesson may not).
"""

from __future__ import annotations

import re
from datetime import date, time

from services.errors import Invalid

TIME_FORMAT = "error-time-format"
_DASHES = ("–", "—")  # an en or em dash typed instead of a hyphen
_DAY = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
_DATE = re.compile(rf"^\s*{_DAY}\s*$")
_DATE_RANGE = re.compile(rf"^\s*{_DAY}\s*(?:-|–|—|\.\.)\s*{_DAY}\s*$")


def parse_time(text: str, error: str = TIME_FORMAT) -> time:
    """A time of day: 15:30, 15.30, 9:05."""
    cleaned = "".join(text.split()).replace(".", ":")
    hours, sep, minutes = cleaned.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise Invalid(error)
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise Invalid(error)
    return time(h, m)


def parse_time_range(
    text: str, error: str = "error-time-range-format", time_error: str = TIME_FORMAT
) -> tuple[time, time]:
    """Two times with a hyphen or a dash between, in the order typed; `error` refuses a text
    that is not two values, `time_error` a value that is not a time."""
    value = "".join(text.split())
    for dash in _DASHES:
        value = value.replace(dash, "-")
    first, sep, second = value.partition("-")
    if not sep or not first or not second:
        raise Invalid(error)
    return parse_time(first, time_error), parse_time(second, time_error)


def _date(day: str, month: str, year: str, no_such_date: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise Invalid(no_such_date) from None


def parse_date(text: str, error: str, no_such_date: str | None = None) -> date:
    """A date: 31.12.2026 (day and month of one or two digits)."""
    match = _DATE.match(text)
    if match is None:
        raise Invalid(error)
    day, month, year = match.groups()
    return _date(day, month, year, no_such_date or error)


def parse_date_range(text: str, error: str, no_such_date: str | None = None) -> tuple[date, date]:
    """Two dates with a hyphen, a dash or ".." between, in the order typed: `error` refuses
    a text that is not two dates, `no_such_date` (else `error`) a day the calendar lacks."""
    match = _DATE_RANGE.match(text)
    if match is None:
        raise Invalid(error)
    d1, m1, y1, d2, m2, y2 = match.groups()
    return _date(d1, m1, y1, no_such_date or error), _date(d2, m2, y2, no_such_date or error)
