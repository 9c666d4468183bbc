"""Importing the catalogue and class lists from a spreadsheet, all or nothing.

Three steps, so that the database is not held while a big file is read:
1. `sheets.read_file` (a worker thread): the file into rows, or a refusal of the whole file;
2. `check_file`: every cell read and checked in chunks in a worker thread, reporting progress;
3. `apply`: one transaction reads what the file refers to, checks the file against it
   (organisations, codes, references) and, only if nothing is wrong, writes.
Every problem of the file is reported at once; a file with any problem changes nothing. Rows are
matched to records by stable codes (organisation, course, group, a person's external code), so
importing the same file twice changes nothing; rows missing from a file delete nothing.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import (
    Account,
    Course,
    Group,
    Invite,
    Lesson,
    Organisation,
    Person,
    RoleGrant,
    WeeklySlot,
)
from models.enums import CourseFormat, Direction, LessonStatus, Priority, Role
from services import seats
from services.actor import Actor
from services.admin import GroupDefaults, group_defaults
from services.audit import record
from services.errors import Forbidden
from services.import_columns import HELP_SHEETS, KIND_ORDER, KINDS, CellError, kind_of
from services.lessons import change_priority, follow_timetable
from services.outbox import notify_many
from services.people import new_code
from services.sheets import Cell, Sheet
from services.text import clip, one_line

CHUNK_ROWS = 1000
JOIN_TTL = timedelta(days=60)
JOIN_REISSUE_BEFORE = timedelta(days=7)  # a code about to expire is replaced by a fresh one
IN_BATCH = 500  # codes per `IN (...)` query
SHOWN_MAX = 40  # characters of a cell's value quoted in a problem
T = TypeVar("T")

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


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Report:
    """What an import changed, per kind, and how many people were told of new timetables."""

    counts: dict[str, Counts]
    lessons_planned: int = 0
    notified: int = 0

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


# --- who may import ---------------------------------------------------------------------------


def importable_orgs(actor: Actor) -> frozenset[int] | None:
    """The organisations this person may import into; None means any (the network admin)."""
    orgs = actor.org_scope()
    if orgs is not None and not orgs:
        raise Forbidden("error-import-staff-only")
    return orgs


# --- step 2: cells ----------------------------------------------------------------------------


def _shown(value: Cell) -> str:
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
        for column in KINDS[kind]:
            if column.required and column.name not in sheet.header:
                header_problems.append(
                    Problem(sheet.name, 1, column.name, "import-problem-column-missing")
                )
        problems += header_problems
        if not header_problems:
            found.append((kind, sheet))
    if not found and not problems:
        problems.append(
            Problem("", None, "", "import-problem-no-sheets", {"allowed": ", ".join(KIND_ORDER)})
        )
    return found, problems


def _check_rows(kind: str, sheet: Sheet, start: int, stop: int) -> tuple[list[Row], list[Problem]]:
    """Read the cells of rows [start, stop) of a sheet; runs in a worker thread."""
    positions = [(c, sheet.header.index(c.name)) for c in KINDS[kind] if c.name in sheet.header]
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, cells in sheet.rows[start:stop]:
        values: dict[str, Any] = {}
        bad = False
        for column, position in positions:
            raw = cells[position] if position < len(cells) else None
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
                    Problem(sheet.name, number, column.name, error.key, error.params, _shown(raw))
                )
                bad = True
        if not bad:
            problems += _row_rules(kind, sheet.name, number, values)
        rows.append(Row(number, values, ok=not bad))
    return rows, problems


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
            chunk, chunk_problems = await asyncio.to_thread(
                _check_rows, kind, sheet, start, start + CHUNK_ROWS
            )
            rows += chunk
            checked.problems += chunk_problems
            done += len(chunk)
            if progress is not None:
                await progress(done, checked.total)
    return checked


# --- step 3: against the database -------------------------------------------------------------


def _batches(values: Iterable[T]) -> list[list[T]]:
    items = list(dict.fromkeys(values))
    return [items[i : i + IN_BATCH] for i in range(0, len(items), IN_BATCH)]


@dataclass
class _Known:
    """What the database holds of what the file names."""

    orgs: dict[str, Organisation]
    courses: dict[str, Course]
    groups: dict[str, Group]
    people: dict[str, Person]
    roles: dict[int, set[tuple[Role, int | None]]]
    enrolled: dict[int, int]
    defaults: GroupDefaults


async def _load(session: AsyncSession, checked: Checked) -> _Known:
    def refs(kind: str, column: str) -> list[Any]:
        return [r.values[column] for r in checked.tables.get(kind, []) if r.values.get(column)]

    orgs = {o.code: o for o in await session.scalars(select(Organisation))}
    courses: dict[str, Course] = {}
    for batch in _batches(refs("courses", "code") + refs("groups", "course")):
        courses.update(
            (c.code, c) for c in await session.scalars(select(Course).where(Course.code.in_(batch)))
        )
    groups: dict[str, Group] = {}
    for batch in _batches(refs("groups", "code") + refs("slots", "group")):
        found = await session.scalars(
            select(Group)
            .where(Group.code.in_(batch))
            .options(selectinload(Group.slots), selectinload(Group.course))
        )
        groups.update((g.code, g) for g in found)
    people: dict[str, Person] = {}
    for batch in _batches(
        refs("teachers", "code") + refs("students", "code") + refs("groups", "teacher")
    ):
        people.update(
            (p.external_code, p)
            for p in await session.scalars(select(Person).where(Person.external_code.in_(batch)))
            if p.external_code
        )
    roles: dict[int, set[tuple[Role, int | None]]] = defaultdict(set)
    for batch in _batches(p.id for p in people.values()):
        for person_id, role, org_id in await session.execute(
            select(RoleGrant.person_id, RoleGrant.role, RoleGrant.organisation_id).where(
                RoleGrant.person_id.in_(batch)
            )
        ):
            roles[person_id].add((role, org_id))
    enrolled: dict[int, int] = {}
    for batch in _batches(g.id for g in groups.values()):
        enrolled.update(await seats.counts(session, batch))
    return _Known(orgs, courses, groups, people, roles, enrolled, await group_defaults(session))


def _cross_check(checked: Checked, known: _Known, allowed: frozenset[int] | None) -> list[Problem]:
    """What rows must satisfy together and against the database; all problems at once."""
    problems: list[Problem] = []
    names = checked.sheet_names

    def add(kind: str, row: Row, column: str, key: str, **params: Any) -> None:
        value = row.values.get(column)
        problems.append(
            Problem(
                names[kind],
                row.number,
                column,
                key,
                params,
                _shown(value) if value is not None else "",
            )
        )

    def org_of(kind: str, row: Row) -> Organisation | None:
        org = known.orgs.get(row.values["org"])
        if org is None:
            add(kind, row, "org", "import-problem-org-unknown")
        elif allowed is not None and org.id not in allowed:
            add(kind, row, "org", "import-problem-org-not-yours")
            return None
        return org

    def first_seen(kind: str, rows: list[Row], key: Callable[[Row], Any], column: str) -> None:
        seen: dict[Any, int] = {}
        for row in rows:
            k = key(row)
            if k in seen:
                add(kind, row, column, "import-problem-duplicate", first=seen[k])
            else:
                seen[k] = row.number

    tables = checked.tables
    # Courses: a code names one course network-wide, owned by one provider.
    file_courses: dict[str, int] = {}
    first_seen("courses", tables.get("courses", []), lambda r: r.values["code"], "code")
    for row in tables.get("courses", []):
        org = org_of("courses", row)
        known_course = known.courses.get(row.values["code"])
        if org is not None and known_course is not None and known_course.provider_org_id != org.id:
            add("courses", row, "code", "import-problem-code-other-org")
        elif org is not None:
            file_courses.setdefault(row.values["code"], org.id)
    # Teachers and students share the people's codes.
    people_rows = [("teachers", r) for r in tables.get("teachers", [])] + [
        ("students", r) for r in tables.get("students", [])
    ]
    seen_people: dict[str, int] = {}
    file_teachers: dict[str, int] = {}
    for kind, row in people_rows:
        code = row.values["code"]
        if code in seen_people:
            add(kind, row, "code", "import-problem-duplicate", first=seen_people[code])
            continue
        seen_people[code] = row.number
        org = org_of(kind, row)
        if org is None:
            continue
        role = Role.TEACHER if kind == "teachers" else Role.STUDENT
        person = known.people.get(code)
        if person is not None and (role, org.id) not in known.roles.get(person.id, set()):
            add(kind, row, "code", "import-problem-code-taken")
        elif kind == "teachers":
            file_teachers[code] = org.id
    # Groups: a course and a teacher of the same organisation, room for those enrolled.
    first_seen("groups", tables.get("groups", []), lambda r: r.values["code"], "code")
    file_groups: dict[str, int] = {}
    for row in tables.get("groups", []):
        org = org_of("groups", row)
        if org is None:
            continue
        v = row.values
        existing = known.groups.get(v["code"])
        if existing is not None and existing.course.provider_org_id != org.id:
            add("groups", row, "code", "import-problem-code-other-org")
            continue
        course = known.courses.get(v["course"])
        course_org = file_courses.get(v["course"], course.provider_org_id if course else None)
        if course_org != org.id:
            add("groups", row, "course", "import-problem-course-unknown")
        teacher = v.get("teacher")
        if teacher:
            person = known.people.get(teacher)
            in_db = person is not None and (Role.TEACHER, org.id) in known.roles.get(
                person.id, set()
            )
            if file_teachers.get(teacher) != org.id and not in_db:
                add("groups", row, "teacher", "import-problem-teacher-unknown")
        # An empty date is filled in here, for the import to write: the group's own, or for
        # a new group the academic year's.
        filled = False
        for column, own, default in (
            ("start_date", existing.start_date if existing else None, known.defaults.start),
            ("end_date", existing.end_date if existing else None, known.defaults.end),
        ):
            if v[column] is None:
                filled = True
                v[column] = own or default
                if v[column] is None:
                    add("groups", row, column, "import-problem-date-no-year")
        start, end = v["start_date"], v["end_date"]
        if filled and start is not None and end is not None and end < start:
            add("groups", row, "end_date", "import-problem-end-before-start")
        if existing is not None and v["capacity"] < known.enrolled.get(existing.id, 0):
            add(
                "groups",
                row,
                "capacity",
                "import-problem-capacity",
                enrolled=known.enrolled[existing.id],
            )
        file_groups.setdefault(v["code"], org.id)
    # Weekly slots: of a group of the file or of one's own organisation, each time once.
    first_seen(
        "slots",
        tables.get("slots", []),
        lambda r: (r.values["group"], r.values["weekday"], r.values["start"]),
        "start",
    )
    with_slots: set[str] = set()
    for row in tables.get("slots", []):
        code = row.values["group"]
        existing = known.groups.get(code)
        if code in file_groups:
            with_slots.add(code)
        elif existing is None:
            add("slots", row, "group", "import-problem-group-unknown")
        elif allowed is not None and existing.course.provider_org_id not in allowed:
            add("slots", row, "group", "import-problem-org-not-yours")
    for row in tables.get("groups", []):
        code = row.values["code"]
        if code in file_groups and code not in known.groups and code not in with_slots:
            add("groups", row, "code", "import-problem-no-slots")
    return problems


def _in_order(checked: Checked, problems: list[Problem]) -> list[Problem]:
    """Problems as the file reads: sheet by sheet, row by row, column by column."""
    kinds = {name: kind for kind, name in checked.sheet_names.items()}

    def key(p: Problem) -> tuple[int, int, int]:
        kind = kinds.get(p.sheet)
        if kind is None:
            return (-1, 0, 0)
        names = [c.name for c in KINDS[kind]]
        column = names.index(p.column) if p.column in names else -1
        return (KIND_ORDER.index(kind), p.row or 0, column)

    return sorted(problems, key=key)


async def apply(
    session: AsyncSession, actor: Actor, checked: Checked, now: datetime
) -> Report | list[Problem]:
    """Check the file against the database and, if nothing is wrong, write it.

    Returns the problems (nothing written) or what changed.
    """
    allowed = importable_orgs(actor)
    if any(p.row in (None, 1) for p in checked.problems):
        # A sheet or a column is wrong: its rows were not read, so references to them
        # would only add noise.
        return _in_order(checked, checked.problems)
    # Rows with unreadable cells are already reported; the others are checked together.
    readable = Checked(
        {kind: [r for r in rows if r.ok] for kind, rows in checked.tables.items()},
        checked.sheet_names,
    )
    known = await _load(session, readable)
    problems = checked.problems + _cross_check(readable, known, allowed)
    if problems:
        return _in_order(checked, problems)
    writer = _Writer(session, known, now)
    report = await writer.write(checked)
    if report.changed:
        await record(
            session,
            actor_id=actor.person_id,
            action="import.applied",
            object_type="import",
            object_id=None,
            now=now,
            details={k: vars(c) for k, c in report.counts.items()},
        )
    return report


# --- writing ----------------------------------------------------------------------------------


def _set(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Writer:
    def __init__(self, session: AsyncSession, known: _Known, now: datetime) -> None:
        self.session = session
        self.known = known
        self.now = now
        self.counts = {kind: Counts() for kind in KIND_ORDER}
        # Groups whose times, dates or place changed, with the teachers to tell.
        self.changed_groups: dict[int, set[int]] = {}
        self.new_groups: set[int] = set()
        self.updated_groups: set[int] = set()

    def _count(self, kind: str, created: bool, changed: bool) -> None:
        counts = self.counts[kind]
        if created:
            counts.created += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1

    async def write(self, checked: Checked) -> Report:
        tables = checked.tables
        await self._courses(tables.get("courses", []))
        await self._people(tables.get("teachers", []), Role.TEACHER, "teachers")
        await self._groups(tables.get("groups", []))
        await self._slots(tables.get("slots", []))
        self._count_groups(tables.get("groups", []))
        await self._people(tables.get("students", []), Role.STUDENT, "students")
        await self.session.flush()
        report = Report({k: c for k, c in self.counts.items() if k in tables})
        await self._follow(report)
        return report

    async def _courses(self, rows: list[Row]) -> None:
        for row in rows:
            v = row.values
            course = self.known.courses.get(v["code"])
            fields: dict[str, Any] = {
                "provider_org_id": self.known.orgs[v["org"]].id,
                "title": v["title"],
                "direction": Direction(v["direction"]),
                "format": CourseFormat(v["format"]),
                "grade_min": v["grade_min"],
                "grade_max": v["grade_max"],
                "hours": v["hours"],
            }
            for optional, name in (("description", "description"), ("paid", "is_paid")):
                if optional in v:
                    fields[name] = v[optional]
            if course is None:
                course = Course(code=v["code"], **fields)
                self.session.add(course)
                self.known.courses[course.code] = course
                self._count("courses", True, False)
            else:
                self._count("courses", False, _set(course, fields))
        await self.session.flush()

    async def _people(self, rows: list[Row], role: Role, kind: str) -> None:
        new: list[tuple[Person, int]] = []
        for row in rows:
            v = row.values
            org_id = self.known.orgs[v["org"]].id
            fields: dict[str, Any] = {"full_name": v["full_name"]}
            if role == Role.STUDENT:
                fields.update(home_org_id=org_id, grade=v["grade"])
            person = self.known.people.get(v["code"])
            if person is None:
                person = Person(external_code=v["code"], active_role=role, **fields)
                if role == Role.TEACHER:
                    person.home_org_id = org_id
                self.known.people[v["code"]] = person
                new.append((person, org_id))
                self._count(kind, True, False)
            else:
                self._count(kind, False, _set(person, fields))
        self.session.add_all(p for p, _ in new)
        await self.session.flush()
        self.session.add_all(
            RoleGrant(person_id=p.id, role=role, organisation_id=o) for p, o in new
        )
        for person, org_id in new:
            self.known.roles[person.id] = {(role, org_id)}
        await self.session.flush()

    async def _groups(self, rows: list[Row]) -> None:
        for row in rows:
            v = row.values
            teacher_code = v.get("teacher")
            fields: dict[str, Any] = {
                "course_id": self.known.courses[v["course"]].id,
                "capacity": v["capacity"],
                "start_date": v["start_date"],
                "end_date": v["end_date"],
            }
            if "teacher" in v:
                fields["teacher_id"] = self.known.people[teacher_code].id if teacher_code else None
            if "place" in v:
                fields["place"] = v["place"]
            if v.get("min_size") is not None:
                fields["min_size"] = v["min_size"]
            group = self.known.groups.get(v["code"])
            if group is None:
                # A new group without its own minimum takes the network's default.
                fields.setdefault("min_size", self.known.defaults.min_size)
                group = Group(code=v["code"], **fields)
                self.session.add(group)
                await self.session.flush()
                self.known.groups[group.code] = group
                self.new_groups.add(group.id)
                continue
            before = (group.place, group.start_date, group.end_date, group.teacher_id)
            if _set(group, fields):
                self.updated_groups.add(group.id)
            if before != (group.place, group.start_date, group.end_date, group.teacher_id):
                self._timetable_changed(group, before[3])
        await self.session.flush()

    def _timetable_changed(self, group: Group, old_teacher: int | None) -> None:
        self.updated_groups.add(group.id)
        teachers = self.changed_groups.setdefault(group.id, set())
        teachers.update(t for t in (old_teacher, group.teacher_id) if t is not None)

    async def _slots(self, rows: list[Row]) -> None:
        """The slots of each group the file lists replace that group's slots."""
        wanted: dict[str, set[tuple[int, time, time]]] = defaultdict(set)
        for row in rows:
            v = row.values
            wanted[v["group"]].add((v["weekday"], v["start"], v["end"]))
        for code, times in wanted.items():
            group = self.known.groups[code]
            slots = [] if group.id in self.new_groups else list(group.slots)
            if {(s.weekday, s.start_time, s.end_time) for s in slots} == times:
                self.counts["slots"].unchanged += len(times)
                continue
            self.counts["slots"].created += len(times)
            for slot in slots:
                await self.session.delete(slot)
            await self.session.flush()
            self.session.add_all(
                WeeklySlot(group_id=group.id, weekday=w, start_time=s, end_time=e)
                for w, s, e in sorted(times)
            )
            if group.id not in self.new_groups:
                self._timetable_changed(group, None)
        await self.session.flush()

    def _count_groups(self, rows: list[Row]) -> None:
        for row in rows:
            group = self.known.groups[row.values["code"]]
            self._count("groups", group.id in self.new_groups, group.id in self.updated_groups)

    async def _follow(self, report: Report) -> None:
        """Lessons of new and changed groups, and the people told of new timetables."""
        todo = self.new_groups | set(self.changed_groups)
        if not todo:
            return
        groups = (
            await self.session.scalars(
                select(Group)
                .where(Group.id.in_(todo))
                .options(selectinload(Group.slots), selectinload(Group.course))
                .execution_options(populate_existing=True)
            )
        ).all()
        zones = dict(
            (await self.session.execute(select(Organisation.id, Organisation.timezone))).all()
        )
        for group in groups:
            zone = zones[group.course.provider_org_id]
            if group.cancelled_at is not None:
                continue
            report.lessons_planned += await follow_timetable(
                self.session, group, list(group.slots), zone, self.now
            )
            if group.id in self.changed_groups:
                report.notified += await self._tell(group, self.changed_groups[group.id])

    async def _tell(self, group: Group, teachers: set[int]) -> int:
        following = await self.session.scalar(
            select(func.min(Lesson.starts_at)).where(
                Lesson.group_id == group.id,
                Lesson.starts_at > self.now,
                Lesson.status != LessonStatus.CANCELLED,
            )
        )
        priority = change_priority(following, self.now) if following else Priority.NORMAL
        return await notify_many(
            self.session,
            [*await seats.families(self.session, group.id), *sorted(teachers)],
            kind="notify-group-timetable-changed",
            key_prefix=f"timetable:{group.id}:{self.now.isoformat()}",
            now=self.now,
            params={
                "course": group.course.title,
                "group": group.code,
                "next": {"dt": following.isoformat()} if following else "—",
                "place": group.place or "—",
            },
            priority=priority,
        )


# --- join codes for people who have never used the bot ----------------------------------------


@dataclass(frozen=True)
class JoinCode:
    role: Role
    org_code: str
    code: str
    name: str
    grade: int | None
    invite: str
    expires_at: datetime


async def join_codes(session: AsyncSession, actor: Actor, now: datetime) -> list[JoinCode]:
    """One-time codes for the imported teachers and students of one's organisations who have
    not joined yet; a valid code is handed out again, so the sheet can be downloaded twice."""
    allowed = importable_orgs(actor)
    has_account = select(Account.id).where(Account.person_id == Person.id).exists()
    query = (
        select(Person, RoleGrant.role, RoleGrant.organisation_id, Organisation.code)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .join(Organisation, Organisation.id == RoleGrant.organisation_id)
        .where(
            Person.external_code.is_not(None),
            RoleGrant.role.in_([Role.TEACHER, Role.STUDENT]),
            ~has_account,
        )
        .order_by(Organisation.code, RoleGrant.role.desc(), Person.grade, Person.full_name)
    )
    if allowed is not None:
        query = query.where(RoleGrant.organisation_id.in_(allowed))
    rows = (await session.execute(query)).all()
    valid: dict[tuple[int, Role, int | None], Invite] = {}
    for batch in _batches(person.id for person, *_ in rows):
        for invite in await session.scalars(
            select(Invite).where(
                Invite.person_id.in_(batch),
                Invite.used_at.is_(None),
                Invite.expires_at > now + JOIN_REISSUE_BEFORE,
            )
        ):
            assert invite.person_id is not None
            valid[(invite.person_id, invite.role, invite.organisation_id)] = invite
    result = []
    fresh: list[Invite] = []
    for person, role, org_id, org_code in rows:
        found = valid.get((person.id, role, org_id))
        if found is not None:
            invite = found
        else:
            invite = Invite(
                code=new_code(16),
                role=role,
                organisation_id=org_id,
                person_id=person.id,
                expires_at=now + JOIN_TTL,
            )
            fresh.append(invite)
        result.append(
            JoinCode(
                role,
                org_code,
                person.external_code or "",
                person.full_name,
                person.grade,
                invite.code,
                invite.expires_at,
            )
        )
    session.add_all(fresh)
    await session.flush()
    return result


def example_dates(today: date) -> tuple[date, date]:
    """Dates for the template's example group: from today for half a year."""
    return today, today + timedelta(days=182)


async def example_org_code(session: AsyncSession, actor: Actor) -> str:
    """The organisation the template's example rows name: one's own (the admin: the first)."""
    allowed = importable_orgs(actor)
    query = select(Organisation.code).order_by(Organisation.code).limit(1)
    if allowed is not None:
        query = query.where(Organisation.id.in_(allowed))
    return await session.scalar(query) or "org"
