"""Spreadsheet exports: applications, enrollments and attendance, within the reader's scope.

Rows are read in one query, then the workbook is written in openpyxl's write-only mode in a
worker thread, a chunk at a time, so a big export neither holds the event loop nor the
database (the caller ends its transaction before building). openpyxl is imported only when a
workbook is built.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import Application, AttendanceMark, Course, Group, Lesson, Organisation, Person
from models.enums import Role
from services import reports, seats
from services.audit import record
from services.errors import Forbidden
from services.i18n import Text
from services.reports import (
    Period,
    Scope,
    Subject,
    SubjectKind,
    marks,
    rows_seen,
    subject_condition,
)


class ExportKind(StrEnum):
    APPLICATIONS = "applications"
    ENROLLMENTS = "enrollments"
    ATTENDANCE = "attendance"


class Cell(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    header_key: str
    kind: Cell = Cell.TEXT


@dataclass(frozen=True)
class Table:
    kind: ExportKind
    title: str
    headers: list[str]
    kinds: list[Cell]
    rows: list[list[Any]]
    subject: str  # the organisation, group or student named, "" for everything in scope


TITLES = {
    ExportKind.APPLICATIONS: "export-kind-applications",
    ExportKind.ENROLLMENTS: "export-kind-enrollments",
    ExportKind.ATTENDANCE: "export-kind-attendance",
}
COLUMNS: dict[ExportKind, tuple[Column, ...]] = {
    ExportKind.APPLICATIONS: (
        Column("xlsx-student"),
        Column("xlsx-school"),
        Column("xlsx-grade", Cell.NUMBER),
        Column("xlsx-course"),
        Column("xlsx-group"),
        Column("xlsx-provider"),
        Column("xlsx-state"),
        Column("xlsx-submitted", Cell.DATETIME),
        Column("xlsx-updated", Cell.DATETIME),
        Column("xlsx-reason"),
    ),
    ExportKind.ENROLLMENTS: (
        Column("xlsx-student"),
        Column("xlsx-school"),
        Column("xlsx-grade", Cell.NUMBER),
        Column("xlsx-course"),
        Column("xlsx-direction"),
        Column("xlsx-group"),
        Column("xlsx-provider"),
        Column("xlsx-teacher"),
        Column("xlsx-enrolled-on", Cell.DATE),
        Column("xlsx-group-start", Cell.DATE),
        Column("xlsx-group-end", Cell.DATE),
    ),
    ExportKind.ATTENDANCE: (
        Column("xlsx-lesson", Cell.DATETIME),
        Column("xlsx-course"),
        Column("xlsx-group"),
        Column("xlsx-provider"),
        Column("xlsx-student"),
        Column("xlsx-school"),
        Column("xlsx-status"),
        Column("xlsx-marked-at", Cell.DATETIME),
    ),
}
STATUS_KEYS = {
    "present": "xlsx-status-present",
    "absent": "xlsx-status-absent",
    "late": "xlsx-status-late",
    "excused": "xlsx-status-excused",
}


def kinds_for(scope: Scope) -> list[ExportKind]:
    """A teacher exports the attendance of their groups; coordinators and the admin anything."""
    if scope.role == Role.TEACHER:
        return [ExportKind.ATTENDANCE]
    return list(ExportKind)


def subject_kinds(scope: Scope) -> list[SubjectKind]:
    """Whose data, besides everything in reach: a teacher one of their groups; coordinators
    and the admin an organisation, a group or a student."""
    if scope.role == Role.TEACHER:
        return [SubjectKind.GROUP]
    return [SubjectKind.ORG, SubjectKind.GROUP, SubjectKind.STUDENT]


def check_kind(scope: Scope, kind: ExportKind, subject: SubjectKind = SubjectKind.ALL) -> None:
    """Refuse an export this role does not take: a teacher exports only the attendance of
    everything in reach or of one group (callback data can be forged, so every step asks)."""
    if kind not in kinds_for(scope) or (
        subject != SubjectKind.ALL and subject not in subject_kinds(scope)
    ):
        raise Forbidden("error-export-teacher-attendance")


async def check_subject(
    session: AsyncSession, scope: Scope, kind: ExportKind, subject: Subject
) -> str:
    """Refuse an export outside the reader's scope or role; returns the subject's name for a
    caption ("" for everything)."""
    check_kind(scope, kind)
    name = await reports.check_subject(session, scope, subject)
    check_kind(scope, kind, subject.kind)
    return name


Home = aliased(Organisation, name="home_org")
Provider = aliased(Organisation, name="provider_org")
Teacher = aliased(Person, name="teacher")


def _joined(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """Student, their school, the group, its course and provider (Person is the student)."""
    return (
        query.outerjoin(Home, Home.id == Person.home_org_id)
        .join(Course, Course.id == Group.course_id)
        .join(Provider, Provider.id == Course.provider_org_id)
    )


async def load(
    session: AsyncSession,
    scope: Scope,
    kind: ExportKind,
    subject: Subject,
    period: Period,
    tr: Text,
    now: datetime,
) -> Table:
    """The rows of an export, refused outside the reader's scope; the export is audited."""
    subject_name = await check_subject(session, scope, kind, subject)
    start, end = period.bounds(tr.tz)
    where = (rows_seen(scope), subject_condition(subject))
    rows: list[list[Any]]

    def local(moment: datetime | None) -> datetime | None:
        # Excel has no time zones: the reader's wall clock, as a real date-time value.
        return moment.astimezone(tr.tz).replace(tzinfo=None) if moment else None

    if kind == ExportKind.APPLICATIONS:
        query = _joined(
            select(
                Person.full_name,
                Home.short_name,
                Person.grade,
                Course.title,
                Group.code,
                Provider.short_name,
                Application.state,
                Application.created_at,
                Application.updated_at,
                Application.reason,
            )
            .select_from(Application)
            .join(Person, Person.id == Application.student_id)
            .join(Group, Group.id == Application.group_id)
        ).where(*where, Application.created_at >= start, Application.created_at < end)
        result = await session.execute(query.order_by(Application.created_at, Application.id))
        rows = [
            [
                *(name, school, grade, course, code, provider, tr(f"state-{state.value}")),
                *(local(created), local(updated), reason),
            ]
            for name, school, grade, course, code, provider, state, created, updated, reason in (
                result.all()
            )
        ]
    elif kind == ExportKind.ENROLLMENTS:
        query = _joined(
            select(
                Person.full_name,
                Home.short_name,
                Person.grade,
                Course.title,
                Course.direction,
                Group.code,
                Provider.short_name,
                Teacher.full_name,
                Application.enrolled_at,
                Application.updated_at,
                Group.start_date,
                Group.end_date,
            )
            .select_from(Application)
            .join(Person, Person.id == Application.student_id)
            .join(Group, Group.id == Application.group_id)
        ).outerjoin(Teacher, Teacher.id == Group.teacher_id)
        query = query.where(*where, seats.enrolled(), period.runs())
        result = await session.execute(query.order_by(Course.title, Group.code, Person.full_name))
        rows = []
        for (
            name,
            school,
            grade,
            course,
            direction,
            code,
            provider,
            teacher,
            enrolled_at,
            updated_at,
            group_start,
            group_end,
        ) in result.all():
            since = enrolled_at or updated_at
            rows.append(
                [
                    *(name, school, grade, course, tr(f"direction-{direction.value}"), code),
                    *(provider, teacher or "", since.astimezone(tr.tz).date()),
                    *(group_start, group_end),
                ]
            )
    else:
        query = (
            marks(
                scope,
                period,
                tr.tz,
                Lesson.starts_at,
                Course.title,
                Group.code,
                Provider.short_name,
                Person.full_name,
                Home.short_name,
                AttendanceMark.status,
                AttendanceMark.marked_at,
            )
            .outerjoin(Home, Home.id == Person.home_org_id)
            .join(Provider, Provider.id == Course.provider_org_id)
            .where(subject_condition(subject))
        )
        result = await session.execute(
            query.order_by(Lesson.starts_at, Group.code, Person.full_name)
        )
        rows = [
            [
                *(local(starts), course, code, provider, name, school),
                *(tr(STATUS_KEYS[status.value]), local(marked)),
            ]
            for starts, course, code, provider, name, school, status, marked in result.all()
        ]
    await record(
        session,
        actor_id=scope.person_id,
        action="report.exported",
        object_type=subject.kind.value,
        object_id=subject.id or None,
        now=now,
        details={
            "kind": kind.value,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "rows": len(rows),
        },
    )
    columns = COLUMNS[kind]
    return Table(
        kind,
        tr(TITLES[kind]),
        [tr(c.header_key) for c in columns],
        [c.kind for c in columns],
        rows,
        subject_name,
    )


# --- the workbook -------------------------------------------------------------------------------

# Excel number formats: real dates shown the way the reader writes them.
DATE_FORMATS = {"ru": ("DD.MM.YYYY", "DD.MM.YYYY HH:MM"), "en": ("YYYY-MM-DD", "YYYY-MM-DD HH:MM")}
WIDTH_MIN, WIDTH_MAX = 8, 50
WIDTH_SAMPLE = 2000  # rows looked at to size the columns
SHEET_TITLE_MAX = 31  # Excel's limit
CHUNK = 2000


def column_widths(table: Table) -> list[float]:
    """Wide enough for the header and the longest value (of a sample), within limits."""
    widths = []
    for i, (header, kind) in enumerate(zip(table.headers, table.kinds, strict=True)):
        if kind == Cell.DATE:
            longest = 10
        elif kind == Cell.DATETIME:
            longest = 16
        else:
            longest = max((len(str(row[i] or "")) for row in table.rows[:WIDTH_SAMPLE]), default=0)
        widths.append(float(min(max(len(header), longest, WIDTH_MIN) + 2, WIDTH_MAX)))
    return widths


class XlsxWriter:
    """One sheet written row by row (openpyxl's write-only mode: memory stays flat)."""

    def __init__(self, table: Table, lang: str) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self._cell = WriteOnlyCell
        self._kinds = table.kinds
        self._date, self._datetime = DATE_FORMATS.get(lang, DATE_FORMATS["en"])
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(sheet_title(table.title))
        self._sheet.freeze_panes = "A2"
        for i, width in enumerate(column_widths(table), start=1):
            self._sheet.column_dimensions[get_column_letter(i)].width = width
        bold = Font(bold=True)
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(self._sheet, value=text)
            cell.font = bold
            header.append(cell)
        self._sheet.append(header)

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            self._sheet.append([self._value(v, k) for v, k in zip(row, self._kinds, strict=True)])

    def _value(self, value: Any, kind: Cell) -> Any:
        if value is None or kind not in (Cell.DATE, Cell.DATETIME):
            return value
        cell = self._cell(self._sheet, value=value)
        is_time = isinstance(value, datetime)
        cell.number_format = self._datetime if is_time else self._date
        return cell

    def finish(self) -> bytes:
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:SHEET_TITLE_MAX] or "Sheet"


Progress = Callable[[int, int], Awaitable[None]]


async def build_xlsx(
    table: Table, lang: str, progress: Progress | None = None, chunk: int = CHUNK
) -> bytes:
    """The workbook, built in a worker thread a chunk at a time; `progress(done, total)` is
    awaited between chunks (rows written so far, rows in all)."""
    writer = await asyncio.to_thread(XlsxWriter, table, lang)
    total = len(table.rows)
    for first in range(0, total, chunk):
        await asyncio.to_thread(writer.add, table.rows[first : first + chunk])
        if progress is not None:
            await progress(min(first + chunk, total), total)
    return await asyncio.to_thread(writer.finish)


def file_name(kind: ExportKind, period: Period) -> str:
    return f"{kind.value}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
