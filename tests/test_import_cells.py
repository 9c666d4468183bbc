"""Reading spreadsheet cells and telling what a file holds (no database)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from services.errors import Invalid
from services.import_columns import (
    CellError,
    kind_of,
    read_bool,
    read_code,
    read_date,
    read_int,
    read_time,
    read_weekday,
)
from services.sheets import Sheet, check_zip, read_file


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("01.12.2026", date(2026, 12, 1)),
        (" 1.12.2026 ", date(2026, 12, 1)),
        (datetime(2026, 12, 1, 0, 0), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2026, 12, 1)),
    ],
)
def test_dates_as_people_write_them(value, expected) -> None:
    assert read_date(value) == expected


@pytest.mark.parametrize("value", ["2026/12/01", "31.02.2026", "завтра", 45000])
def test_what_is_not_a_date(value) -> None:
    with pytest.raises(CellError) as error:
        read_date(value)
    assert error.value.key == "import-problem-date"


def test_weekdays_by_number_or_name_in_both_languages() -> None:
    assert [read_weekday(v) for v in (1, "7", "Пн", "среда", "Fri.", "sunday", 3.0)] == [
        0, 6, 0, 2, 4, 6, 2,
    ]  # fmt: skip
    for bad in ("0", "8", "someday"):
        with pytest.raises(CellError):
            read_weekday(bad)


def test_numbers_times_codes_and_yes_no() -> None:
    assert read_int("1 200", 1, 2000) == 1200
    assert read_int(12.0, 1, 20) == 12
    with pytest.raises(CellError, match="import-problem-number"):
        read_int("12,5", 1, 20)
    with pytest.raises(CellError, match="import-problem-number"):
        read_int(True, 0, 1)
    with pytest.raises(CellError, match="import-problem-range"):
        read_int(12, 1, 11)
    assert read_time("9.05") == time(9, 5)
    assert read_time(time(15, 0, 30)) == time(15, 0)
    with pytest.raises(CellError):
        read_time("25:00")
    assert read_code(1001.0) == "1001"
    with pytest.raises(CellError):
        read_code("код курса")
    assert (read_bool("Да"), read_bool("no"), read_bool(True)) == (True, False, True)
    with pytest.raises(CellError):
        read_bool("может быть")


def test_a_csv_is_told_by_its_name_or_its_columns() -> None:
    assert kind_of(Sheet("students-7b", [], from_csv=True)) == "students"
    assert kind_of(Sheet("list", ["group", "weekday", "start", "end"], from_csv=True)) == "slots"
    # Teachers and students share their first columns: without a name it cannot be told.
    assert kind_of(Sheet("list", ["org", "code", "full_name"], from_csv=True)) is None
    # A workbook's sheets are told by their names only.
    assert kind_of(Sheet("Лист1", ["group", "weekday", "start", "end"])) is None


def test_rows_keep_the_numbers_a_spreadsheet_shows() -> None:
    data = "org,code,full_name,grade\n\nsosh5,S-1,Зайцев Глеб,7\n,,,\nsosh5,S-2,Волкова Яна,8\n"
    [sheet] = read_file("students.csv", data.encode())
    assert [number for number, _ in sheet.rows] == [3, 5]


def test_a_zip_that_is_not_one_is_damaged() -> None:
    with pytest.raises(Invalid) as error:
        check_zip(b"PK\x03\x04 not really")
    assert error.value.key == "import-error-damaged"
