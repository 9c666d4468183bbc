"""Files the import hands out: the template, the list of problems, the join codes.

Built by code in the reader's language (sheet and column names stay the stable ASCII codes
the import reads). openpyxl's write-only mode streams rows, so a list of 10,000 problems or
join codes does not sit in memory as cell objects.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from models.enums import CourseFormat, Direction
from services.exports import sheet_title
from services.i18n import Text
from services.import_columns import KIND_KEYS, KIND_ORDER, KINDS
from services.import_join import JoinCode, example_dates
from services.import_rows import Problem
from services.sheets import Sheet

HELP_SHEET = "help"


def plain(text: str) -> str:
    """A rendered text for a spreadsheet cell: no HTML tags or entities."""
    without_tags = (
        text.replace("<b>", "").replace("</b>", "").replace("<i>", "").replace("</i>", "")
    )
    return html.unescape(without_tags)


def problem_text(tr: Text, problem: Problem) -> str:
    """ "courses, row 5, hours: not a whole number («abc»)", in the reader's language."""
    what = tr(problem.key, **problem.params)
    if problem.value:
        what = tr("import-problem-with-value", problem=what, value=problem.value)
    if problem.row is None:
        return tr("import-problem-at-sheet", sheet=problem.sheet, problem=what)
    return tr(
        "import-problem-at",
        sheet=problem.sheet,
        row=problem.row,
        column=problem.column,
        problem=what,
    )


def _save(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template(tr: Text, org_code: str, today: date) -> bytes:
    """A sheet per kind with an example row, and a help sheet explaining every column.

    The example rows carry EXAMPLE-… codes (import_columns.is_example), so they are never
    imported; they are grey and italic so that a person sees them as examples."""
    import openpyxl
    from openpyxl.styles import Font

    start, end = example_dates(today)
    fill = {"{org}": org_code, "{start}": start, "{end}": end}
    workbook = openpyxl.Workbook()
    help_sheet = workbook.active
    help_sheet.title = HELP_SHEET
    bold = Font(bold=True)
    for line in plain(tr("import-template-intro")).split("\n"):
        help_sheet.append([line])
    help_sheet.append([])
    help_sheet.append(
        [
            plain(tr("import-template-col-sheet")),
            plain(tr("import-template-col-column")),
            plain(tr("import-template-col-required")),
            plain(tr("import-template-col-meaning")),
        ]
    )
    for cell in help_sheet[help_sheet.max_row]:
        cell.font = bold
    for kind in KIND_ORDER:
        columns = KINDS[kind]
        _example_sheet(workbook.create_sheet(kind), kind, fill)
        help_sheet.append([f"{kind} — {plain(tr(KIND_KEYS[kind]))}"])
        help_sheet[help_sheet.max_row][0].font = bold
        for column in columns:
            help_sheet.append(
                [
                    kind,
                    column.name,
                    plain(tr("import-template-yes" if column.required else "import-template-no")),
                    plain(tr(column.help_key)),
                ]
            )
    help_sheet.append([])
    help_sheet.append([plain(tr("import-template-directions"))])
    for direction in Direction:
        help_sheet.append(["", direction.value, "", plain(tr(f"direction-{direction.value}"))])
    help_sheet.append([plain(tr("import-template-formats"))])
    for fmt in CourseFormat:
        help_sheet.append(["", fmt.value, "", plain(tr(f"format-{fmt.value}"))])
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 14
    help_sheet.column_dimensions["C"].width = 12
    help_sheet.column_dimensions["D"].width = 90
    return _save(workbook)


def _example_sheet(sheet: Any, kind: str, fill: dict[str, Any]) -> None:
    """A kind's sheet of the template: its columns, then its example rows, grey and italic."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = KINDS[kind]
    sheet.append([c.name for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([fill.get(c.example, c.example) for c in columns])
    if kind == "slots":
        sheet.append([columns[0].example, 4, "15:00", "16:30"])
    example = Font(italic=True, color="808080")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.font = example
            if isinstance(cell.value, date):
                cell.number_format = "YYYY-MM-DD"
    for position in range(len(columns)):
        sheet.column_dimensions[get_column_letter(position + 1)].width = 18


def problems_file(tr: Text, problems: Sequence[Problem], tables: Sequence[Sheet] = ()) -> bytes:
    """The refused file returned with its errors marked: first every problem, one a row (sheet,
    row, column, value, what is wrong); then each of the person's own sheets as it was read,
    with a last column saying what is wrong with each row, the header included (those rows
    filled red)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(plain(tr("import-problems-sheet"))))
    sheet.append(
        [
            plain(tr("import-template-col-sheet")),
            plain(tr("import-problems-col-row")),
            plain(tr("import-template-col-column")),
            plain(tr("import-problems-col-value")),
            plain(tr("import-problems-col-problem")),
        ]
    )
    for p in problems:
        sheet.append([p.sheet, p.row, p.column, p.value, plain(tr(p.key, **p.params))])
    by_row: dict[tuple[str, int], list[str]] = {}
    for p in problems:
        if p.row is not None:
            text = (
                f"{p.column}: {plain(tr(p.key, **p.params))}"
                if p.column
                else plain(tr(p.key, **p.params))
            )
            by_row.setdefault((p.sheet, p.row), []).append(text)
    red = PatternFill("solid", fgColor="FFC7CE")
    taken = {sheet.title}
    for table in tables:
        title = sheet_title(table.name)
        if title in taken:
            title = f"{title[:28]}_{len(taken)}"
        taken.add(title)
        marked = workbook.create_sheet(title)
        label = plain(tr("import-problems-col-problem"))
        # The header is row 1: a missing, unknown or repeated column marks it like a bad row.
        header_problems = by_row.get((table.name, 1))
        for number, cells, found in (
            (1, [*table.header, label], header_problems),
            *((n, list(c), by_row.get((table.name, n))) for n, c in table.rows),
        ):
            if not found:
                marked.append(cells)
                continue
            text = "; ".join(found)
            values = [*cells[:-1], f"{label}: {text}"] if number == 1 else [*cells, text]
            row = []
            for value in values:
                cell = WriteOnlyCell(marked, value=value)
                cell.fill = red
                row.append(cell)
            marked.append(row)
    return _save(workbook)


def join_codes_file(tr: Text, codes: Sequence[JoinCode], links: Sequence[tuple[str, str]]) -> bytes:
    """The join codes to hand out: who, the code, the command and link to join, until when."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(plain(tr("import-codes-sheet"))))
    sheet.append(
        [
            plain(tr("import-codes-col-org")),
            plain(tr("import-codes-col-role")),
            "code",
            plain(tr("import-codes-col-name")),
            plain(tr("import-codes-col-grade")),
            plain(tr("import-codes-col-join")),
            plain(tr("import-codes-col-link")),
            plain(tr("import-codes-col-expires")),
        ]
    )
    for code, (command, link) in zip(codes, links, strict=True):
        sheet.append(
            [
                code.org_code,
                plain(tr(f"role-{code.role.value}")),
                code.code,
                code.name,
                code.grade,
                command,
                link,
                tr.date(code.expires_at.astimezone(tr.tz).date()),
            ]
        )
    return _save(workbook)
