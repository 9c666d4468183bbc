"""Benchmark: the attendance reports over a term's marks of a busy network.

Run by hand from the project root:  .venv/bin/python -m bench.attendance [GROUPS]
Builds GROUPS groups (60 by default) of 25 students with 32 lessons each, every student
marked at every lesson (48,000 marks for 60 groups), then times, with the network admin's
scope: attendance by organisation, by course and by week, and one student's own attendance,
on SQLite and, when TEST_POSTGRES_URL's server (default: the tests' local one) answers, on
PostgreSQL. Prints the median of 15 runs of each and how many lines it gave.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from models import AttendanceMark, Course, Group, Lesson, Organisation, Person
from models.db import create_engine, create_session_factory
from models.enums import AttendanceStatus, CourseFormat, Direction, OrgKind, Role
from models.migrate import upgrade
from services import attendance, reports
from tests import postgres

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
STUDENTS, LESSONS, ORGS = 25, 32, 6
REPEAT = 15
TZ = ZoneInfo("Europe/Moscow")
TERM = reports.Period(date(2026, 9, 1), date(2026, 12, 31))
STATUSES = list(AttendanceStatus)


async def fill(factory: Any, groups: int) -> int:
    now = datetime(2026, 8, 1, tzinfo=UTC)
    async with factory() as s:
        await s.execute(
            insert(Organisation),
            [
                {
                    "id": o,
                    "code": f"org{o}",
                    "name": f"School {o}",
                    "short_name": f"S{o}",
                    "kind": OrgKind.SCHOOL,
                    "timezone": "Europe/Moscow",
                }
                for o in range(1, ORGS + 1)
            ],
        )
        people = [
            {"id": p, "full_name": f"P{p}", "home_org_id": p % ORGS + 1, "grade": 8}
            for p in range(1, groups * STUDENTS + 1)
        ]
        await s.execute(insert(Person), people)
        await s.execute(
            insert(Course),
            [
                {
                    "id": g,
                    "code": f"C{g}",
                    "provider_org_id": g % ORGS + 1,
                    "title": f"Course {g}",
                    "direction": Direction.MATH,
                    "format": CourseFormat.IN_PERSON,
                    "grade_min": 5,
                    "grade_max": 11,
                    "hours": 32,
                }
                for g in range(1, groups + 1)
            ],
        )
        await s.execute(
            insert(Group),
            [
                {
                    "id": g,
                    "code": f"G{g}",
                    "course_id": g,
                    "capacity": STUDENTS,
                    "start_date": TERM.start,
                    "end_date": TERM.end,
                }
                for g in range(1, groups + 1)
            ],
        )
        first = datetime(2026, 9, 1, 15, tzinfo=TZ)
        lessons = [
            {
                "id": (g - 1) * LESSONS + n + 1,
                "group_id": g,
                "starts_at": first + timedelta(days=3 * n, minutes=g),
                "ends_at": first + timedelta(days=3 * n, minutes=g + 45),
            }
            for g in range(1, groups + 1)
            for n in range(LESSONS)
        ]
        await s.execute(insert(Lesson), lessons)
        marks = [
            {
                "lesson_id": lesson["id"],
                "student_id": (lesson["group_id"] - 1) * STUDENTS + k + 1,
                "status": STATUSES[(lesson["id"] + k) % 7 % 4],
                "marked_at": now,
            }
            for lesson in lessons
            for k in range(STUDENTS)
        ]
        for i in range(0, len(marks), 5000):
            await s.execute(insert(AttendanceMark), marks[i : i + 5000])
        await s.commit()
    return len(marks)


async def run(url: str, groups: int) -> None:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    print(f"  {await fill(factory, groups)} marks")
    scope = reports.Scope(Role.ADMIN, 0, everything=True)
    today = date(2027, 1, 1)
    cases: dict[str, Callable[[Any], Awaitable[list[Any]]]] = {
        "by organisation": lambda s: reports.attendance_by_organisation(s, scope, TERM, TZ),
        "by course": lambda s: reports.attendance_by_course(s, scope, TERM, TZ),
        "by week": lambda s: reports.attendance_by_week(s, scope, TERM, TZ, today),
        "one student": lambda s: attendance.student_attendance(s, 1),
    }
    for name, case in cases.items():
        times = []
        for _ in range(REPEAT):
            async with factory() as s:
                started = time.perf_counter()
                lines = await case(s)
                times.append(time.perf_counter() - started)
        print(f"  {name:16} {statistics.median(times) * 1000:8.1f} ms  {len(lines):5} lines")
    await engine.dispose()


async def main() -> None:
    groups = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        await upgrade(url)
        print(f"sqlite, {groups} groups")
        await run(url, groups)
    problem = await postgres.reachable(POSTGRES)
    if problem:
        print(f"postgresql skipped: {problem}")
        return
    url = await postgres.create_database(POSTGRES, f"bench_attendance_{os.getpid()}")
    try:
        await upgrade(url)
        print(f"postgresql, {groups} groups")
        await run(url, groups)
    finally:
        await postgres.drop_database(POSTGRES, url)


if __name__ == "__main__":
    asyncio.run(main())
