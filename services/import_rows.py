"""Importing, step 2: every cell of the file read and checked, without the database.

Runs in chunks in a worker thread (a big file does not hold the event loop) and reports its
progress; what is wrong is collected as `Problem`s, all at once, each saying where and what.
The template's example rows (import_columns.is_example) are set apart, never imported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.import_columns import (
    HELP_SHEETS,
    KIND_ORDER,
    KINDS,
    REFERENCES,
    ROW_KEYS,
    CellError,
    is_example,
    kind_of,
)
from services.sheets import Cell, Sheet
from services.text import clip, one_line

CHUNK_ROWS = 1000
SHOWN_MAX = 40  # characters of a cell's value quoted in a problem

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (sheet, row, column) and what (a text key)."""

    sheet: str
    row: int | None
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    value: str = ""


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    ok: bool = True  # every cell could be read


@dataclass
class Checked:
    """The file read and checked cell by cell: rows per kind, and what is wrong."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    # The example rows skipped: (sheet, row number), as the file reads.
    examples: list[tuple[str, int]] = field(default_factory=list)

    @property
    def only_examples(self) -> bool:
        """The file holds example rows and nothing else to import (the unchanged template)."""
        return bool(self.examples) and not any(self.tables.values())


def shown(value: Cell) -> str:
    """A cell's value quoted in a problem, cut short."""
    return clip(one_line(str(value)), SHOWN_MAX, html=False)


def check_headers(sheets: Sequence[Sheet]) -> tuple[list[tuple[str, Sheet]], list[Problem]]:
    """Which sheets hold which kind, and problems with sheets and their columns."""
    found: list[tuple[str, Sheet]] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for sheet in sheets:
        kind = kind_of(sheet)
        if kind is None:
            if sheet.rows and sheet.name.strip().lower() not in HELP_SHEETS:
                problems.append(
                    Problem(
                        sheet.name, None, "", "import-problem-sheet-unknown", {"name": sheet.name}
                    )
                )
            continue
        if kind in seen:
            problems.append(
                Problem(sheet.name, None, "", "import-problem-sheet-twice", {"kind": kind})
            )
            continue
        seen[kind] = sheet.name
        columns = {c.name for c in KINDS[kind]}
        header_problems = []
        for position, name in enumerate(sheet.header):
            if not name:
                if any(
                    len(cells) > position and cells[position] is not None for _, cells in sheet.rows
                ):
                    header_problems.append(
                        Problem(sheet.name, 1, f"#{position + 1}", "import-problem-column-unnamed")
                    )
            elif name not in columns:
                header_problems.append(
                    Problem(
                        sheet.name,
                        1,
                        name,
                        "import-problem-column-unknown",
                        {"allowed": ", ".join(c.name for c in KINDS[kind])},
                    )
                )
            elif sheet.header.index(name) != position:
                header_problems.append(Problem(sheet.name, 1, name, "import-problem-column-twice"))
        header_problems.extend(
            Problem(sheet.name, 1, column.name, "import-problem-column-missing")
            for column in KINDS[kind]
            if column.required and column.name not in sheet.header
        )
        problems += header_problems
        if not header_problems:
            found.append((kind, sheet))
    if not found and not problems:
        problems.append(
            Problem("", None, "", "import-problem-no-sheets", {"allowed": ", ".join(KIND_ORDER)})
        )
    return found, problems


@dataclass
class _Chunk:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    examples: list[int] = field(default_factory=list)


def _check_rows(kind: str, sheet: Sheet, start: int, stop: int) -> _Chunk:
    """Read the cells of rows [start, stop) of a sheet; runs in a worker thread."""
    positions = [(c, sheet.header.index(c.name)) for c in KINDS[kind] if c.name in sheet.header]
    key = sheet.header.index(ROW_KEYS[kind])
    chunk = _Chunk()
    problems = chunk.problems
    for number, cells in sheet.rows[start:stop]:
        if key < len(cells) and is_example(cells[key]):
            # Nothing of an example row is read: a half-edited one raises no problems.
            chunk.examples.append(number)
            continue
        values: dict[str, Any] = {}
        bad = False
        for column, position in positions:
            raw = cells[position] if position < len(cells) else None
            if column.name in REFERENCES.get(kind, ()) and is_example(raw):
                problems.append(
                    Problem(
                        sheet.name,
                        number,
                        column.name,
                        "import-problem-example-reference",
                        value=shown(raw),
                    )
                )
                bad = True
                continue
            if raw is None:
                if column.required:
                    problems.append(
                        Problem(sheet.name, number, column.name, "import-problem-empty")
                    )
                    bad = True
                else:
                    values[column.name] = column.default
                continue
            try:
                values[column.name] = column.read(raw)
            except CellError as error:
                problems.append(
                    Problem(sheet.name, number, column.name, error.key, error.params, shown(raw))
                )
                bad = True
        if not bad:
            problems += _row_rules(kind, sheet.name, number, values)
        chunk.rows.append(Row(number, values, ok=not bad))
    return chunk


def _row_rules(kind: str, sheet: str, number: int, values: dict[str, Any]) -> list[Problem]:
    """What one row must satisfy by itself."""
    if kind == "courses" and values["grade_max"] < values["grade_min"]:
        return [Problem(sheet, number, "grade_max", "import-problem-grades")]
    if kind == "groups":
        problems = []
        start, end = values["start_date"], values["end_date"]
        if start is not None and end is not None and end < start:
            problems.append(Problem(sheet, number, "end_date", "import-problem-end-before-start"))
        if (values.get("min_size") or 1) > values["capacity"]:
            problems.append(Problem(sheet, number, "min_size", "import-problem-min-size"))
        return problems
    if kind == "slots" and values["end"] <= values["start"]:
        return [Problem(sheet, number, "end", "import-problem-end-before-start")]
    return []


async def check_file(sheets: Sequence[Sheet], progress: Progress | None = None) -> Checked:
    """Every cell of every sheet read and checked, in chunks in a worker thread."""
    found, problems = check_headers(sheets)
    checked = Checked(problems=problems)
    checked.total = sum(len(sheet.rows) for _, sheet in found)
    done = 0
    for kind, sheet in found:
        checked.sheet_names[kind] = sheet.name
        rows = checked.tables.setdefault(kind, [])
        for start in range(0, len(sheet.rows), CHUNK_ROWS):
            chunk = await asyncio.to_thread(_check_rows, kind, sheet, start, start + CHUNK_ROWS)
            rows += chunk.rows
            checked.problems += chunk.problems
            checked.examples += [(sheet.name, number) for number in chunk.examples]
            done += len(chunk.rows) + len(chunk.examples)
            if progress is not None:
                await progress(done, checked.total)
    return checked
