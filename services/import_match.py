"""Importing, step 3a: the file against the database — the organisations one may import
into, what the file refers to, and every problem of rows together or with what is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Course, Group, Organisation, Person, RoleGrant
from models.enums import Role
from services import seats
from services.actor import Actor
from services.admin import GroupDefaults, group_defaults
from services.errors import Forbidden
from services.import_columns import KIND_ORDER, KINDS
from services.import_rows import Checked, Problem, Row, shown

IN_BATCH = 500  # codes per `IN (...)` query
T = TypeVar("T")


def importable_orgs(actor: Actor) -> frozenset[int] | None:
    """The organisations this person may import into; None means any (the network admin)."""
    orgs = actor.org_scope()
    if orgs is not None and not orgs:
        raise Forbidden("error-import-staff-only")
    return orgs


def batches(values: Iterable[T]) -> list[list[T]]:
    """The values once each, in slices small enough for one `IN (...)`."""
    items = list(dict.fromkeys(values))
    return [items[i : i + IN_BATCH] for i in range(0, len(items), IN_BATCH)]


@dataclass
class Known:
    """What the database holds of what the file names."""

    orgs: dict[str, Organisation]
    courses: dict[str, Course]
    groups: dict[str, Group]
    people: dict[str, Person]
    roles: dict[int, set[tuple[Role, int | None]]]
    enrolled: dict[int, int]
    defaults: GroupDefaults


async def load_known(session: AsyncSession, checked: Checked) -> Known:
    def refs(kind: str, column: str) -> list[Any]:
        return [r.values[column] for r in checked.tables.get(kind, []) if r.values.get(column)]

    orgs = {o.code: o for o in await session.scalars(select(Organisation))}
    courses: dict[str, Course] = {}
    for batch in batches(refs("courses", "code") + refs("groups", "course")):
        courses.update(
            (c.code, c) for c in await session.scalars(select(Course).where(Course.code.in_(batch)))
        )
    groups: dict[str, Group] = {}
    for batch in batches(refs("groups", "code") + refs("slots", "group")):
        found = await session.scalars(
            select(Group)
            .where(Group.code.in_(batch))
            .options(selectinload(Group.slots), selectinload(Group.course))
        )
        groups.update((g.code, g) for g in found)
    people: dict[str, Person] = {}
    for batch in batches(
        refs("teachers", "code") + refs("students", "code") + refs("groups", "teacher")
    ):
        people.update(
            (p.external_code, p)
            for p in await session.scalars(select(Person).where(Person.external_code.in_(batch)))
            if p.external_code
        )
    roles: dict[int, set[tuple[Role, int | None]]] = defaultdict(set)
    for batch in batches(p.id for p in people.values()):
        for person_id, role, org_id in await session.execute(
            select(RoleGrant.person_id, RoleGrant.role, RoleGrant.organisation_id).where(
                RoleGrant.person_id.in_(batch)
            )
        ):
            roles[person_id].add((role, org_id))
    enrolled: dict[int, int] = {}
    for batch in batches(g.id for g in groups.values()):
        enrolled.update(await seats.counts(session, batch))
    return Known(orgs, courses, groups, people, roles, enrolled, await group_defaults(session))


def cross_check(checked: Checked, known: Known, allowed: frozenset[int] | None) -> list[Problem]:
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
                shown(value) if value is not None else "",
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


def in_order(checked: Checked, problems: list[Problem]) -> list[Problem]:
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
