"""Importing, step 3b: writing a checked file — courses, people, groups and their slots
created or updated by their codes — then the lessons of new and changed timetables planned
and everyone concerned told."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Course, Group, Lesson, Organisation, Person, RoleGrant, WeeklySlot
from models.enums import CourseFormat, Direction, LessonStatus, Priority, Role
from services import audience
from services.import_columns import KIND_ORDER
from services.import_match import Known, batches
from services.import_rows import Checked, Row
from services.lessons import change_priority, follow_timetable


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Report:
    """What an import changed, per kind; the lessons planned anew and those taken off their
    old times; the people told of new timetables (students and parents, and teachers)."""

    counts: dict[str, Counts]
    lessons_planned: int = 0
    lessons_dropped: int = 0
    families: int = 0
    teachers: int = 0

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())

    @property
    def notified(self) -> int:
        return self.families + self.teachers

    def as_data(self) -> dict[str, Any]:
        """The report as plain JSON values (kept with a preview, compared when it is
        confirmed)."""
        return {
            "counts": {k: [c.created, c.updated, c.unchanged] for k, c in self.counts.items()},
            "lessons": [self.lessons_planned, self.lessons_dropped],
            "told": [self.families, self.teachers],
        }


def _set(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class Writer:
    """Writes a checked file in one transaction: what each row names is created or updated,
    each kind counted; new and changed timetables are then followed by their lessons."""

    def __init__(self, session: AsyncSession, known: Known, now: datetime) -> None:
        self.session = session
        self.known = known
        self.now = now
        self.counts = {kind: Counts() for kind in KIND_ORDER}
        # Groups whose times, dates or place changed, with the teachers to tell.
        self.changed_groups: dict[int, set[int]] = {}
        self.new_groups: set[int] = set()
        self.updated_groups: set[int] = set()
        self.told_families: set[int] = set()
        self.told_teachers: set[int] = set()

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
        # Following a timetable only drops lessons and plans new ones: what it dropped is
        # the difference of the counts.
        before = await self._lessons(todo)
        for group in groups:
            zone = zones[group.course.provider_org_id]
            if group.cancelled_at is not None:
                continue
            report.lessons_planned += await follow_timetable(
                self.session, group, list(group.slots), zone, self.now
            )
            if group.id in self.changed_groups:
                await self._tell(group, self.changed_groups[group.id])
        report.lessons_dropped = before + report.lessons_planned - await self._lessons(todo)
        report.families = len(self.told_families)
        report.teachers = len(self.told_teachers - self.told_families)

    async def _lessons(self, group_ids: set[int]) -> int:
        total = 0
        for batch in batches(group_ids):
            total += (
                await self.session.scalar(
                    select(func.count()).select_from(Lesson).where(Lesson.group_id.in_(batch))
                )
                or 0
            )
        return total

    async def _tell(self, group: Group, teachers: set[int]) -> None:
        following = await self.session.scalar(
            select(func.min(Lesson.starts_at)).where(
                Lesson.group_id == group.id,
                Lesson.starts_at > self.now,
                Lesson.status != LessonStatus.CANCELLED,
            )
        )
        priority = change_priority(following, self.now) if following else Priority.NORMAL
        families = await audience.group_families(self.session, group.id)
        self.told_families.update(r.person_id for r in families)
        self.told_teachers.update(teachers)
        await audience.tell(
            self.session,
            audience.join(families, [audience.Recipient(t) for t in sorted(teachers)]),
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
