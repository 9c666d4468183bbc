"""What an import file holds: its kinds of sheet, their columns, and how each cell is read.

Column headers are stable ASCII codes (`code`, `title`, `start_date`…) in every language; the
template's help sheet explains each in the reader's language. Sheets are named by kind
(`courses`, `teachers`, `groups`, `slots`, `students`); a CSV file holds one kind, told by its
name (`students.csv`) or, failing that, by its columns. Pure functions: no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from models.enums import CourseFormat, Direction
from services.errors import Invalid
from services.sheets import Cell, Sheet
from services.text import NAME_MAX, TextRule, one_line

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
WEEKDAY_NAMES = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{name: i for i, name in enumerate(("пн", "вт", "ср", "чт", "пт", "сб", "вс"))},
    **{
        name: i
        for i, name in enumerate(
            ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
        )
    },
}
YES = {"yes", "y", "true", "1", "да", "д", "+"}
NO = {"no", "n", "false", "0", "нет", "н", "-"}


class CellError(Exception):
    """A cell that cannot be read; `key` names the problem's text."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _text(value: Cell) -> str:
    """A cell as one line of text (a whole float as the integer it is)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return one_line(str(value))


def _cleaned(rule: TextRule, value: Cell) -> str:
    """A cell of typed text, by a rule of services.text, its refusal as the cell's problem."""
    try:
        return rule.clean(_text(value))
    except Invalid as error:
        raise CellError(error.key, **error.params) from None


NAME_CELL = TextRule(NAME_MAX, "import-problem-name", "import-problem-too-long", letters=True)


def read_code(value: Cell) -> str:
    text = _text(value)
    if not CODE.match(text):
        raise CellError("import-problem-code")
    return text


def read_int(value: Cell, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise CellError("import-problem-number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = _text(value).replace(" ", "").replace("\u00a0", "")
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise CellError("import-problem-number")
        number = int(text)
    if not low <= number <= high:
        raise CellError("import-problem-range", low=low, high=high)
    return number


def read_date(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", "dmy"),
    ):
        found = re.fullmatch(pattern, text)
        if found:
            parts = dict(zip(order, (int(g) for g in found.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise CellError("import-problem-date")


def read_time(value: Cell) -> time:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    text = _text(value).replace(".", ":")
    found = re.fullmatch(r"(\d{1,2}):(\d{2})(?::00)?", text)
    if found and int(found[1]) < 24 and int(found[2]) < 60:
        return time(int(found[1]), int(found[2]))
    raise CellError("import-problem-time")


def read_weekday(value: Cell) -> int:
    """1–7 with Monday as 1 (as Russian calendars count), or a day's name: 0–6 inside."""
    text = _text(value).lower().rstrip(".")
    if text.isdigit() and 1 <= int(text) <= 7:
        return int(text) - 1
    if text in WEEKDAY_NAMES:
        return WEEKDAY_NAMES[text]
    raise CellError("import-problem-weekday")


def read_bool(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError("import-problem-yes-no")


def read_choice(choices: tuple[str, ...]) -> Callable[[Cell], str]:
    def read(value: Cell) -> str:
        text = _text(value).lower()
        if text not in choices:
            raise CellError("import-problem-choice", allowed=", ".join(choices))
        return text

    return read


def read_text(limit: int) -> Callable[[Cell], str]:
    rule = TextRule(limit, too_long="import-problem-too-long")
    return lambda value: _cleaned(rule, value)


def read_name(value: Cell) -> str:
    return _cleaned(NAME_CELL, value)


def ints(low: int, high: int) -> Callable[[Cell], int]:
    return lambda value: read_int(value, low, high)


@dataclass(frozen=True)
class Column:
    name: str
    read: Callable[[Cell], Any]
    help_key: str  # the explanation in the template's help sheet
    required: bool = True
    default: Any = None
    example: Any = None


ORG = Column("org", read_code, "import-help-org", example="{org}")

KINDS: dict[str, tuple[Column, ...]] = {
    "courses": (
        ORG,
        Column("code", read_code, "import-help-course-code", example="EXAMPLE-ART-01"),
        Column("title", read_text(200), "import-help-title", example="Акварель"),
        Column(
            "description", read_text(2000), "import-help-description", False, "", "Для начинающих"
        ),
        Column(
            "direction",
            read_choice(tuple(d.value for d in Direction)),
            "import-help-direction",
            example="art",
        ),
        Column(
            "format",
            read_choice(tuple(f.value for f in CourseFormat)),
            "import-help-format",
            example="in_person",
        ),
        Column("grade_min", ints(1, 11), "import-help-grade-min", example=5),
        Column("grade_max", ints(1, 11), "import-help-grade-max", example=9),
        Column("hours", ints(1, 2000), "import-help-hours", example=34),
        Column("paid", read_bool, "import-help-paid", False, False, "no"),
    ),
    "teachers": (
        ORG,
        Column("code", read_code, "import-help-person-code", example="EXAMPLE-T-001"),
        Column(
            "full_name", read_name, "import-help-teacher-name", example="Иванова Мария Петровна"
        ),
    ),
    "groups": (
        ORG,
        Column("code", read_code, "import-help-group-code", example="EXAMPLE-ART-01-A"),
        Column("course", read_code, "import-help-group-course", example="EXAMPLE-ART-01"),
        Column("teacher", read_code, "import-help-group-teacher", False, None, "EXAMPLE-T-001"),
        Column("place", read_text(200), "import-help-place", False, "", "каб. 12"),
        Column("capacity", ints(1, 1000), "import-help-capacity", example=15),
        # Left empty: the network's minimum, and for a new group the academic year's dates
        # (an existing group keeps its own).
        Column("min_size", ints(1, 1000), "import-help-min-size", False, None, 10),
        Column("start_date", read_date, "import-help-start-date", False, None, "{start}"),
        Column("end_date", read_date, "import-help-end-date", False, None, "{end}"),
    ),
    "slots": (
        Column("group", read_code, "import-help-slot-group", example="EXAMPLE-ART-01-A"),
        Column("weekday", read_weekday, "import-help-weekday", example=2),
        Column("start", read_time, "import-help-start", example="15:00"),
        Column("end", read_time, "import-help-end", example="16:30"),
    ),
    "students": (
        ORG,
        Column("code", read_code, "import-help-person-code", example="EXAMPLE-S-0001"),
        Column("full_name", read_name, "import-help-student-name", example="Смирнов Илья"),
        Column("grade", ints(1, 11), "import-help-grade", example=7),
    ),
}
# Applied in this order, so a group can name a course and a teacher of the same file.
KIND_ORDER = ("courses", "teachers", "groups", "slots", "students")
KIND_KEYS = {
    "courses": "import-kind-courses",
    "teachers": "import-kind-teachers",
    "groups": "import-kind-groups",
    "slots": "import-kind-slots",
    "students": "import-kind-students",
}
HELP_SHEETS = {"help", "справка"}

# The template's example rows are marked by their codes, which is what survives a person's
# editing: a row typed over the example gets its own code and is imported; an example left in
# place (or copied below) keeps its code and is skipped, in Excel and in a CSV saved from it.
EXAMPLE_PREFIX = "EXAMPLE"
# The column naming a row's record: a row whose key is an example code is an example.
ROW_KEYS = {
    "courses": "code",
    "teachers": "code",
    "groups": "code",
    "slots": "group",
    "students": "code",
}
# Columns naming another record: a real row may not point at an example one.
REFERENCES = {"groups": ("course", "teacher")}


def is_example(value: Cell) -> bool:
    """Whether a cell holds an example code (EXAMPLE-…), however it is written."""
    return isinstance(value, str) and value.strip().upper().startswith(EXAMPLE_PREFIX)


def kind_of(sheet: Sheet) -> str | None:
    """Which kind a table holds: by its name; a CSV file's, failing that, by its columns."""
    name = sheet.name.strip().lower()
    if name in KINDS:
        return name
    if not sheet.from_csv:
        return None
    for kind in KINDS:
        if name.startswith(kind):
            return kind
    header = set(sheet.header)
    scores = {kind: len(header & {c.name for c in cols}) for kind, cols in KINDS.items()}
    best = max(scores.values())
    winners = [kind for kind, score in scores.items() if score == best]
    return winners[0] if best >= 2 and len(winners) == 1 else None
