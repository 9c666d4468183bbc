"""Times and dates typed in chat: one parser each (services/parsing.py), so the admin's quiet
hours read a time as a lesson's time does, and the academic year a date as a report does."""

from __future__ import annotations

from datetime import date, time

import pytest

from services import admin, lessons, network, parsing, reports
from services.errors import Invalid


@pytest.mark.parametrize(
    ("text", "expected"),
    [("15:00-16:30", (time(15), time(16, 30))), (" 7.30 — 9.00 ", (time(7, 30), time(9)))],
)
def test_quiet_hours_and_lessons_read_times_alike(text, expected) -> None:
    assert parsing.parse_time_range(text) == expected
    assert lessons.parse_time_range(text) == expected
    assert admin.parse_quiet_hours(text) == expected


@pytest.mark.parametrize("text", ["21-08", "21:00-8", "24:00-08:00", "21:60-08:00", "21:00"])
def test_a_bad_time_range_is_refused_with_the_askers_text(text) -> None:
    with pytest.raises(Invalid, match="error-quiet-format"):
        admin.parse_quiet_hours(text)
    with pytest.raises(Invalid, match="error-time"):
        lessons.parse_time_range(text)


def test_each_asker_keeps_its_own_order_rule() -> None:
    assert admin.parse_quiet_hours("21:00-08:00") == (time(21), time(8))  # spans midnight
    with pytest.raises(Invalid, match="error-times"):
        lessons.parse_time_range("21:00-08:00")
    with pytest.raises(Invalid, match="error-quiet-same"):
        admin.parse_quiet_hours("08:00-08:00")


@pytest.mark.parametrize(
    "text", ["01.09.2026-31.05.2027", "1.9.2026 – 31.5.2027", "01.09.2026..31.05.2027"]
)
def test_the_academic_year_and_a_report_period_read_dates_alike(text) -> None:
    assert admin.parse_year(text) == (date(2026, 9, 1), date(2027, 5, 31))
    assert reports.parse_period(text) == reports.Period(date(2026, 9, 1), date(2027, 5, 31))


@pytest.mark.parametrize(
    ("text", "year_key", "period_key"),
    [
        ("1.9.26-31.5.27", "error-year-format", "error-period-format"),
        ("31.02.2026-31.05.2027", "error-year-format", "error-period-no-such-date"),
        ("31.05.2027-01.09.2026", "error-year-order", "error-period-order"),
    ],
)
def test_bad_date_ranges(text, year_key, period_key) -> None:
    with pytest.raises(Invalid) as refused:
        admin.parse_year(text)
    assert refused.value.key == year_key
    with pytest.raises(Invalid) as refused:
        reports.parse_period(text)
    assert refused.value.key == period_key


def test_a_holidays_date_is_a_date_of_the_same_parser() -> None:
    assert network.parse_holiday("31.12.2026 Новогодние каникулы") == (
        date(2026, 12, 31),
        "Новогодние каникулы",
    )
    for bad in ("31.12.26 Каникулы", "32.12.2026 Каникулы", "31.12.2026"):
        with pytest.raises(Invalid, match="error-holiday-format"):
            network.parse_holiday(bad)
