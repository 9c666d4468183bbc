"""Reports and indicators: figures on a small known network, scope per role, periods.

The network (`known_network`): the factory network (schools sosh5 and sosh4, the art school
"МБУ ДО ДШИ" providing «Олимпиадная математика», Tuesdays 15:00, min 10, 12 seats, taught by
teacher 301) plus «Физика» provided by sosh4 (Mondays 10:00, min 5, 8 seats, teacher 302), a
college with a teacher (303) and a coordinator (404) and nothing running, the art school's
coordinator 401 and the network admin 501. Student 101 (sosh5) and 201 (sosh4) are enrolled in
maths, 201 in physics too. Marks: maths on 17 November — 101 present, 201 absent; physics on 16
November — 201 late. The clock: Monday 23 November 2026, 09:00 Moscow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import AttendanceMark, Course, Lesson, Organisation, Person, WeeklySlot
from models.enums import AttendanceStatus, Direction, OrgKind, Role
from services import lessons, reports
from services.errors import Forbidden, Invalid
from services.people import load_actor
from services.reports import Period, Subject, SubjectKind
from tests import factories
from tests.conftest import START

MSK = ZoneInfo("Europe/Moscow")
TERM = Period(date(2026, 9, 1), date(2026, 12, 31))
TODAY = date(2026, 11, 23)
MATHS = "Олимпиадная математика"


@dataclass
class Known:
    net: factories.Network
    college: Organisation
    physics_group_id: int
    maths_group_id: int
    admin: Person
    provider_coordinator: Person
    college_coordinator: Person
    college_teacher: Person
    physics_teacher: Person


async def known_network(session) -> Known:
    net = await factories.network(session)
    college = await factories.org(session, "ГБПОУ Колледж", code="college", kind=OrgKind.COLLEGE)
    physics_teacher = await factories.person(
        session, "Орлова Вера", Role.TEACHER, net.other.id, telegram_id=302
    )
    college_teacher = await factories.person(
        session, "Лебедева Ирина", Role.TEACHER, college.id, telegram_id=303
    )
    college_coordinator = await factories.person(
        session, "Григорьева Наталья", Role.COORDINATOR, college.id, telegram_id=404
    )
    provider_coordinator = await factories.person(
        session, "Орлов Кирилл", Role.COORDINATOR, net.provider.id, telegram_id=401
    )
    admin = await factories.person(session, "Администратор", Role.ADMIN, telegram_id=501)
    physics = await factories.course_with_group(
        session,
        net.other,
        title="Физика",
        direction=Direction.SCIENCE,
        capacity=8,
        min_size=5,
        teacher=physics_teacher,
        weekday=0,
        start=(10, 0),
        end=(11, 0),
    )
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)
    await factories.enrolled(session, physics, net.other_student)
    for group, tz in ((net.group, net.provider.timezone), (physics, net.other.timezone)):
        slots = await _slots(session, group.id)
        await lessons.generate_lessons(session, group, slots, tz)
    await mark(session, net.group.id, date(2026, 11, 17), net.student, AttendanceStatus.PRESENT)
    await mark(
        session, net.group.id, date(2026, 11, 17), net.other_student, AttendanceStatus.ABSENT
    )
    await mark(session, physics.id, date(2026, 11, 16), net.other_student, AttendanceStatus.LATE)
    await session.commit()
    return Known(
        net,
        college,
        physics.id,
        net.group.id,
        admin,
        provider_coordinator,
        college_coordinator,
        college_teacher,
        physics_teacher,
    )


async def _slots(session, group_id: int) -> list[WeeklySlot]:
    return list(
        (await session.scalars(select(WeeklySlot).where(WeeklySlot.group_id == group_id))).all()
    )


async def mark(session, group_id: int, day: date, student: Person, status: AttendanceStatus):
    lesson = await session.scalar(
        select(Lesson).where(
            Lesson.group_id == group_id,
            Lesson.starts_at >= datetime.combine(day, time(), MSK),
            Lesson.starts_at < datetime.combine(day, time(23, 59), MSK),
        )
    )
    assert lesson is not None, day
    session.add(
        AttendanceMark(
            lesson_id=lesson.id,
            student_id=student.id,
            status=status,
            marked_by_id=None,
            marked_at=lesson.ends_at,
        )
    )
    await session.flush()


async def scope(session, who: Person, role: Role) -> reports.Scope:
    return reports.scope_of(await load_actor(session, who), role)


# --- periods ------------------------------------------------------------------------------------


def test_ready_periods():
    assert reports.preset_period("month", TODAY) == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert reports.preset_period("term", TODAY) == TERM
    assert reports.preset_period("term", date(2027, 3, 5)) == Period(
        date(2027, 1, 1), date(2027, 5, 31)
    )
    assert reports.preset_period("last30", TODAY) == Period(date(2026, 10, 25), TODAY)
    assert reports.preset_period("month", date(2026, 12, 31)).end == date(2026, 12, 31)
    with pytest.raises(Invalid):
        reports.preset_period("decade", TODAY)


@pytest.mark.parametrize(
    "text", ["01.09.2026–31.12.2026", "1.9.2026 - 31.12.2026", "01.09.2026—31.12.2026"]
)
def test_typed_period(text):
    assert reports.parse_period(text) == TERM


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("вчера", "error-period-format"),
        ("01.09.2026", "error-period-format"),
        ("31.02.2026–01.03.2026", "error-period-no-such-date"),
        ("31.12.2026–01.09.2026", "error-period-order"),
        ("01.01.2020–01.01.2026", "error-period-too-long"),
    ],
)
def test_bad_typed_period(text, key):
    with pytest.raises(Invalid) as error:
        reports.parse_period(text)
    assert error.value.key == key


# --- figures ------------------------------------------------------------------------------------


async def test_enrollment_by_course_and_direction(session):
    k = await known_network(session)
    admin = await scope(session, k.admin, Role.ADMIN)
    by_course = await reports.enrollment_by_course(session, admin, TERM)
    assert [(c.name, c.provider, c.enrolled, c.capacity, c.groups) for c in by_course] == [
        (MATHS, "МБУ ДО ДШИ", 2, 12, 1),
        ("Физика", "МАОУ «СОШ №4»", 1, 8, 1),
    ]
    by_direction = await reports.enrollment_by_direction(session, admin, TERM)
    assert [(d.name, d.enrolled) for d in by_direction] == [("math", 2), ("science", 1)]
    # A period before the groups start shows nothing.
    assert (
        await reports.enrollment_by_course(
            session, admin, Period(date(2026, 9, 1), date(2026, 9, 30))
        )
        == []
    )


async def test_groups_below_minimum(session):
    k = await known_network(session)
    admin = await scope(session, k.admin, Role.ADMIN)
    found = await reports.below_minimum(session, admin, TERM)
    assert [(g.course, g.enrolled, g.min_size) for g in found] == [(MATHS, 2, 10), ("Физика", 1, 5)]


async def test_attendance_rates(session):
    k = await known_network(session)
    admin = await scope(session, k.admin, Role.ADMIN)
    by_course = await reports.attendance_by_course(session, admin, TERM, MSK)
    assert [(r.name, r.attended, r.total) for r in by_course] == [(MATHS, 1, 2), ("Физика", 1, 1)]
    by_org = await reports.attendance_by_organisation(session, admin, TERM, MSK)
    assert [(r.name, r.attended, r.total) for r in by_org] == [
        ("МАОУ «СОШ №4»", 1, 2),
        ("МБОУ СОШ № 5", 1, 1),
    ]
    weeks = await reports.attendance_by_week(
        session, admin, Period(date(2026, 11, 1), date(2026, 11, 30)), MSK, TODAY
    )
    assert [w.monday for w in weeks] == [
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    assert [(w.attended, w.total) for w in weeks] == [(0, 0), (0, 0), (0, 0), (2, 3), (0, 0)]
    assert weeks[3].rate == pytest.approx(2 / 3)


async def test_attendance_is_counted_per_name_by_the_database(session):
    """Counted with GROUP BY: every status and a student whose school is gone (no home
    organisation) are counted as the rows would be one by one."""
    k = await known_network(session)
    homeless = await factories.person(session, "Без школы", Role.STUDENT, None, grade=8)
    await factories.enrolled(session, k.net.group, homeless)
    for who, status in (
        (homeless, AttendanceStatus.EXCUSED),
        (k.net.coordinator, AttendanceStatus.LATE),  # not a student: still a mark
    ):
        await mark(session, k.net.group.id, date(2026, 11, 17), who, status)
    admin = await scope(session, k.admin, Role.ADMIN)
    by_org = await reports.attendance_by_organisation(session, admin, TERM, MSK)
    assert [(r.name, r.attended, r.total) for r in by_org] == [
        ("МАОУ «СОШ №4»", 1, 2),
        ("МБОУ СОШ № 5", 2, 2),
        ("—", 0, 1),
    ]
    by_course = await reports.attendance_by_course(session, admin, TERM, MSK)
    assert [(r.name, r.attended, r.total) for r in by_course] == [(MATHS, 2, 4), ("Физика", 1, 1)]
    week = (await reports.attendance_by_week(session, admin, TERM, MSK, TODAY))[-2]
    assert (week.monday, week.attended, week.total) == (date(2026, 11, 16), 3, 5)


async def test_indicators_of_the_city_programme(session):
    k = await known_network(session)
    admin = await scope(session, k.admin, Role.ADMIN)
    found = await reports.indicators(session, admin, TERM)
    # Four organisations, the college has nothing running; three teachers, the college's idle.
    assert (found.organisations.involved, found.organisations.total) == (3, 4)
    assert found.organisations.met
    assert (found.teachers.involved, found.teachers.total) == (2, 3)
    assert found.teachers.share == pytest.approx(2 / 3)
    assert found.teachers.met
    college = await scope(session, k.college_coordinator, Role.COORDINATOR)
    own = await reports.indicators(session, college, TERM)
    assert (own.organisations.involved, own.organisations.total) == (0, 1)
    assert (own.teachers.involved, own.teachers.total) == (0, 1)
    assert not own.organisations.met
    assert not own.teachers.met
    with pytest.raises(Forbidden):
        await reports.indicators(session, await scope(session, k.net.teacher, Role.TEACHER), TERM)


async def test_hours_per_course_and_organisation(session):
    """The art school's four circles of 6 hours make 24 hours."""
    k = await known_network(session)
    maths = await session.get(Course, k.net.group.course_id)
    maths.hours = 6
    for title in ("Хоровое пение", "Хореография", "Теория музыки"):
        group = await factories.course_with_group(session, k.net.provider, title=title)
        (await session.get(Course, group.course_id)).hours = 6
    await session.commit()
    admin = await scope(session, k.admin, Role.ADMIN)
    courses, orgs = await reports.hours(session, admin, TERM, MSK, START)
    art = next(o for o in orgs if o.provider == "МБУ ДО ДШИ")
    assert (art.courses, art.planned, art.lessons_held) == (4, 24, 1)
    school4 = next(o for o in orgs if o.provider == "МАОУ «СОШ №4»")
    assert (school4.courses, school4.planned, school4.lessons_held) == (1, 34, 1)
    maths_line = next(c for c in courses if c.course == MATHS)
    assert (maths_line.hours, maths_line.groups, maths_line.planned) == (6, 1, 6)


# --- scope --------------------------------------------------------------------------------------


async def test_coordinator_sees_own_students_and_own_groups_only(session):
    k = await known_network(session)
    home = await scope(session, k.net.coordinator, Role.COORDINATOR)
    # Maths is elsewhere but has a sosh5 student; physics is sosh4's alone.
    assert [c.name for c in await reports.enrollment_by_course(session, home, TERM)] == [MATHS]
    # Only their own student's marks.
    rates = await reports.attendance_by_course(session, home, TERM, MSK)
    assert [(r.name, r.attended, r.total) for r in rates] == [(MATHS, 1, 1)]
    provider = await scope(session, k.provider_coordinator, Role.COORDINATOR)
    rates = await reports.attendance_by_course(session, provider, TERM, MSK)
    assert [(r.name, r.attended, r.total) for r in rates] == [(MATHS, 1, 2)]
    with pytest.raises(Forbidden):
        await reports.check_subject(session, home, Subject(SubjectKind.ORG, k.net.other.id))
    with pytest.raises(Forbidden):
        await reports.check_subject(session, home, Subject(SubjectKind.GROUP, k.physics_group_id))
    with pytest.raises(Forbidden):
        await reports.check_subject(
            session, home, Subject(SubjectKind.STUDENT, k.net.other_student.id)
        )
    assert (
        await reports.check_subject(session, home, Subject(SubjectKind.STUDENT, k.net.student.id))
        == "Соколов Артём"
    )


async def test_teacher_sees_own_groups_only(session):
    k = await known_network(session)
    teacher = await scope(session, k.net.teacher, Role.TEACHER)
    rates = await reports.attendance_by_course(session, teacher, TERM, MSK)
    assert [r.name for r in rates] == [MATHS]
    assert [g.course for g in await reports.below_minimum(session, teacher, TERM)] == [MATHS]
    with pytest.raises(Forbidden):
        await reports.check_subject(
            session, teacher, Subject(SubjectKind.GROUP, k.physics_group_id)
        )
    with pytest.raises(Forbidden):
        await reports.check_subject(session, teacher, Subject(SubjectKind.ORG, k.net.provider.id))


async def test_students_and_parents_get_nothing(session):
    k = await known_network(session)
    for who, role in ((k.net.student, Role.STUDENT), (k.net.parent, Role.PARENT)):
        with pytest.raises(Forbidden):
            await scope(session, who, role)
    # A role one does not hold gives nothing either.
    with pytest.raises(Forbidden):
        await scope(session, k.net.student, Role.ADMIN)


async def test_student_search_stays_in_scope(session):
    k = await known_network(session)
    home = await scope(session, k.net.coordinator, Role.COORDINATOR)
    assert [c.label for c in await reports.find_students(session, home, "соколов")] == [
        "Соколов Артём"
    ]
    assert await reports.find_students(session, home, "Морозова") == []
    admin = await scope(session, k.admin, Role.ADMIN)
    assert [c.label for c in await reports.find_students(session, admin, "МОРОЗОВА")] == [
        "Морозова Полина"
    ]
    with pytest.raises(Invalid):
        await reports.find_students(session, admin, "м")
