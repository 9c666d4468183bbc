"""A demo network built from the seed documents, loaded once into an empty database.

The network: the resource centre МАОУ «СОШ №4» (equipped maths and physics rooms in the city
centre), МБОУ СОШ № 5, the children's art school МБУ ДО ДШИ with its four circles of 6 hours
each, and a college in another time zone. Courses, groups with weekly slots and lessons for a
term around "today", staff, students, parents and enrolled applications that leave some groups
nearly full, one full and some below the minimum of 10.

Everything is deterministic: the same `now` gives the same data. All names are invented. Demo
people have no messenger accounts; the sandbox impersonates them by name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Agreement,
    AgreementCourse,
    AgreementEvent,
    Application,
    ApplicationEvent,
    Course,
    DataConsent,
    Group,
    Lesson,
    Organisation,
    ParentLink,
    Person,
    RoleGrant,
    WeeklySlot,
)
from models.enums import (
    AgreementEventKind,
    AgreementState,
    ApplicationState,
    CourseFormat,
    Direction,
    OrgKind,
    Role,
)
from services.consent import DATA_CONSENT_VERSION
from services.lessons import generate_lessons

__all__ = [
    "DEMO_ADMIN_NAME",
    "DEMO_AGREEMENTS",
    "DEMO_COORDINATOR_COLLEGE_NAME",
    "DEMO_COORDINATOR_DSHI_NAME",
    "DEMO_COORDINATOR_SOSH4_NAME",
    "DEMO_COORDINATOR_SOSH5_NAME",
    "DEMO_FULL_GROUP",
    "DEMO_NEARLY_FULL_GROUP",
    "DEMO_PARENT_NAME",
    "DEMO_PARENT_SOSH4_NAME",
    "DEMO_SMALL_GROUP",
    "DEMO_STUDENT_GRADE",
    "DEMO_STUDENT_NAME",
    "DEMO_STUDENT_SOSH4_GRADE",
    "DEMO_STUDENT_SOSH4_NAME",
    "DEMO_TEACHER_COLLEGE_NAME",
    "DEMO_TEACHER_DSHI_NAME",
    "DEMO_TEACHER_SOSH4_NAME",
    "DEMO_TERM_WEEKS",
    "ORG_COLLEGE",
    "ORG_DSHI",
    "ORG_SOSH4",
    "ORG_SOSH5",
    "DemoSummary",
    "demo_term",
    "load_demo_data",
]

# --- what tests and the sandbox may rely on ---------------------------------------------------

ORG_SOSH4 = "sosh4"
ORG_SOSH5 = "sosh5"
ORG_DSHI = "dshi"
ORG_COLLEGE = "college"

NETWORK_TZ = "Europe/Moscow"
DEMO_TERM_WEEKS = 16
GENERATED_STUDENTS = 60
SEED = 42

# A student of СОШ №5, grade 8, with a linked parent and no applications at all.
DEMO_STUDENT_NAME = "Соколов Артём"
DEMO_STUDENT_GRADE = 8
DEMO_PARENT_NAME = "Соколова Елена Викторовна"
# A student of СОШ №4 (the resource centre), grade 10, with a linked parent, no applications.
DEMO_STUDENT_SOSH4_NAME = "Морозова Полина"
DEMO_STUDENT_SOSH4_GRADE = 10
DEMO_PARENT_SOSH4_NAME = "Морозов Дмитрий Сергеевич"
# One coordinator per organisation; the ДШИ coordinator also teaches «Теория музыки».
DEMO_COORDINATOR_SOSH4_NAME = "Кузнецова Ольга Николаевна"
DEMO_COORDINATOR_SOSH5_NAME = "Петрова Марина Александровна"
DEMO_COORDINATOR_DSHI_NAME = "Григорьева Наталья Павловна"
DEMO_COORDINATOR_COLLEGE_NAME = "Фёдоров Константин Игоревич"
# Teachers: ДШИ choir (CHOIR-1), СОШ №4 maths (MATH-OLY-1, MATH-ADV-1), college Python (PY-1, PY-2).
DEMO_TEACHER_DSHI_NAME = "Белова Анна Сергеевна"
DEMO_TEACHER_SOSH4_NAME = "Орлов Сергей Владимирович"
DEMO_TEACHER_COLLEGE_NAME = "Ершов Максим Денисович"
# The network admin (методический центр), no organisation.
DEMO_ADMIN_NAME = "Лебедева Ирина Викторовна"

# Agreements on the network form (seeds 002): (number, home, provider, days until its end or
# None for the whole term and a season after). СОШ № 5 ↔ ДШИ is the seeds' own example (four
# circles); СОШ №4 ↔ ДШИ ends within 30 days (its coordinators are reminded); the college
# teaches both schools. СОШ № 5 ↔ СОШ №4 have none: a СОШ № 5 student's application to a
# resource-centre course shows the refusal on the review card (the seats already taken there
# are the demo's history).
DEMO_AGREEMENTS: tuple[tuple[str, str, str, int | None], ...] = (
    ("05/2026", ORG_SOSH5, ORG_DSHI, None),
    ("04/2026", ORG_SOSH4, ORG_DSHI, 20),
    ("17/2026", ORG_SOSH5, ORG_COLLEGE, None),
    ("18/2026", ORG_SOSH4, ORG_COLLEGE, None),
)

# Groups in a known state, all open to grade 8.
DEMO_NEARLY_FULL_GROUP = "MATH-OLY-1"  # capacity 12, 11 enrolled
DEMO_FULL_GROUP = "DANCE-1"  # capacity 15, 15 enrolled
DEMO_SMALL_GROUP = "MTHEORY-1"  # 3 enrolled, below the minimum of 10


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    courses: int
    groups: int
    lessons: int
    people: int
    created: bool


# --- the network ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Org:
    code: str
    name: str
    short_name: str
    kind: OrgKind
    address: str
    timezone: str


_SOSH4_ADDRESS = "ул. Ленина, 24"
_SOSH5_ADDRESS = "ул. Школьная, 15"
_DSHI_ADDRESS = "ул. Пушкина, 8"
_COLLEGE_ADDRESS = "г. Екатеринбург, ул. Машиностроителей, 19"

_ORGS: tuple[_Org, ...] = (
    _Org(
        ORG_SOSH4,
        "МАОУ «Средняя общеобразовательная школа №4»",
        "МАОУ «СОШ №4»",
        OrgKind.RESOURCE_CENTRE,
        f"{_SOSH4_ADDRESS} (центр города)",
        NETWORK_TZ,
    ),
    _Org(
        ORG_SOSH5,
        "МБОУ средняя общеобразовательная школа № 5",
        "МБОУ СОШ № 5",
        OrgKind.SCHOOL,
        _SOSH5_ADDRESS,
        NETWORK_TZ,
    ),
    _Org(
        ORG_DSHI,
        "МБУ ДО «Детская школа искусств»",
        "МБУ ДО ДШИ",
        OrgKind.ART_SCHOOL,
        _DSHI_ADDRESS,
        NETWORK_TZ,
    ),
    _Org(
        ORG_COLLEGE,
        "ГАПОУ «Политехнический колледж»",
        "ГАПОУ «Политехнический колледж»",
        OrgKind.COLLEGE,
        _COLLEGE_ADDRESS,
        "Asia/Yekaterinburg",
    ),
)


@dataclass(frozen=True)
class _Course:
    code: str
    org: str
    title: str
    description: str
    direction: Direction
    format: CourseFormat
    grade_min: int
    grade_max: int
    hours: int
    is_paid: bool = False


_COURSES: tuple[_Course, ...] = (
    _Course(
        "MATH-OLY",
        ORG_SOSH4,
        "Олимпиадная математика",
        "Нестандартные задачи, логика и комбинаторика, подготовка к школьному и муниципальному "
        "этапам олимпиады. Занятия в оборудованном кабинете математики ресурсного центра.",
        Direction.MATH,
        CourseFormat.IN_PERSON,
        7,
        9,
        34,
    ),
    _Course(
        "PHYS-PRACT",
        ORG_SOSH4,
        "Практическая физика",
        "Лабораторные работы и эксперименты в кабинете физики ресурсного центра: механика, "
        "электричество, оптика. Учимся ставить опыт, измерять и объяснять результат.",
        Direction.SCIENCE,
        CourseFormat.IN_PERSON,
        8,
        11,
        34,
    ),
    _Course(
        "MATH-ADV",
        ORG_SOSH4,
        "Решение задач повышенной сложности",
        "Задачи второй части профильного ЕГЭ: уравнения, неравенства, параметры, планиметрия. "
        "Элективный курс для тех, кто готовится к поступлению в технический вуз.",
        Direction.MATH,
        CourseFormat.IN_PERSON,
        10,
        11,
        17,
    ),
    _Course(
        "DSHI-CHOIR",
        ORG_DSHI,
        "Хоровое пение",
        "Постановка голоса, певческое дыхание и пение в ансамбле. "
        "Итог кружка — выступление на отчётном концерте школы искусств.",
        Direction.MUSIC,
        CourseFormat.IN_PERSON,
        1,
        11,
        6,
    ),
    _Course(
        "DSHI-DANCE",
        ORG_DSHI,
        "Хореография",
        "Основы классического и народного танца, ритмика и пластика. "
        "Занятия проходят в хореографическом зале ДШИ.",
        Direction.DANCE,
        CourseFormat.IN_PERSON,
        5,
        9,
        6,
    ),
    _Course(
        "DSHI-ART",
        ORG_DSHI,
        "Изобразительное искусство",
        "Рисунок, живопись и композиция: карандаш, акварель, гуашь. "
        "Лучшие работы участников попадают на выставку ДШИ.",
        Direction.ART,
        CourseFormat.IN_PERSON,
        1,
        11,
        6,
    ),
    _Course(
        "DSHI-MTHEORY",
        ORG_DSHI,
        "Теория музыки",
        "Нотная грамота, интервалы, лады и аккорды, основы сольфеджио. "
        "Подходит и тем, кто раньше не занимался музыкой.",
        Direction.MUSIC,
        CourseFormat.IN_PERSON,
        5,
        9,
        6,
    ),
    _Course(
        "COL-PYTHON",
        ORG_COLLEGE,
        "Основы программирования на Python",
        "Переменные, условия, циклы и функции — и первые собственные программы на Python. "
        "Занятия проходят онлайн, задания проверяются на учебной платформе колледжа.",
        Direction.IT,
        CourseFormat.ONLINE,
        8,
        11,
        34,
    ),
    _Course(
        "COL-3D",
        ORG_COLLEGE,
        "3D-моделирование",
        "Проектирование трёхмерных моделей в САПР и их печать на 3D-принтере: теория онлайн, "
        "практика в мастерской колледжа. Курс платный (дополнительные платные услуги).",
        Direction.TECHNOLOGY,
        CourseFormat.BLENDED,
        7,
        11,
        34,
        is_paid=True,
    ),
)


@dataclass(frozen=True)
class _Staff:
    key: str
    name: str
    org: str
    roles: tuple[Role, ...]


_STAFF: tuple[_Staff, ...] = (
    _Staff("coord_sosh4", DEMO_COORDINATOR_SOSH4_NAME, ORG_SOSH4, (Role.COORDINATOR,)),
    _Staff("coord_sosh5", DEMO_COORDINATOR_SOSH5_NAME, ORG_SOSH5, (Role.COORDINATOR,)),
    _Staff("coord_dshi", DEMO_COORDINATOR_DSHI_NAME, ORG_DSHI, (Role.COORDINATOR, Role.TEACHER)),
    _Staff("coord_college", DEMO_COORDINATOR_COLLEGE_NAME, ORG_COLLEGE, (Role.COORDINATOR,)),
    _Staff("sosh4_math1", DEMO_TEACHER_SOSH4_NAME, ORG_SOSH4, (Role.TEACHER,)),
    _Staff("sosh4_math2", "Семёнова Татьяна Юрьевна", ORG_SOSH4, (Role.TEACHER,)),
    _Staff("sosh4_phys", "Зайцев Андрей Петрович", ORG_SOSH4, (Role.TEACHER,)),
    _Staff("dshi_choir", DEMO_TEACHER_DSHI_NAME, ORG_DSHI, (Role.TEACHER,)),
    _Staff("dshi_dance", "Никитина Виктория Олеговна", ORG_DSHI, (Role.TEACHER,)),
    _Staff("dshi_art", "Комаров Илья Геннадьевич", ORG_DSHI, (Role.TEACHER,)),
    _Staff("col_it", DEMO_TEACHER_COLLEGE_NAME, ORG_COLLEGE, (Role.TEACHER,)),
    _Staff("col_3d", "Тихонов Роман Евгеньевич", ORG_COLLEGE, (Role.TEACHER,)),
)

_Slot = tuple[int, str, str]  # weekday (Mon=0), local start "HH:MM", local end "HH:MM"


@dataclass(frozen=True)
class _Group:
    code: str
    course: str
    teacher: str
    place: str
    capacity: int
    enrolled: int
    slots: tuple[_Slot, ...]
    # A group of the term starts with it; one starting later (days from today) is still to
    # be decided when it is below its minimum.
    starts_in_days: int | None = None


_ONLINE = "Онлайн: ссылка на занятие в личном кабинете колледжа"

_GROUPS: tuple[_Group, ...] = (
    _Group(
        "MATH-OLY-1",
        "MATH-OLY",
        "sosh4_math1",
        f"Кабинет математики № 21, {_SOSH4_ADDRESS}",
        12,
        11,
        ((0, "15:00", "16:30"),),
    ),
    _Group(
        "MATH-OLY-2",
        "MATH-OLY",
        "sosh4_math2",
        f"Кабинет математики № 23, {_SOSH4_ADDRESS}",
        15,
        3,
        ((3, "15:00", "16:30"),),
    ),
    _Group(
        "PHYS-PRACT-1",
        "PHYS-PRACT",
        "sosh4_phys",
        f"Кабинет физики № 31, {_SOSH4_ADDRESS}",
        15,
        10,
        ((1, "15:00", "16:30"),),
    ),
    _Group(
        "PHYS-PRACT-2",
        "PHYS-PRACT",
        "sosh4_phys",
        f"Кабинет физики № 31, {_SOSH4_ADDRESS}",
        15,
        6,
        ((4, "15:00", "16:30"),),
    ),
    _Group(
        "MATH-ADV-1",
        "MATH-ADV",
        "sosh4_math1",
        f"Кабинет математики № 21, {_SOSH4_ADDRESS}",
        20,
        12,
        ((2, "16:00", "17:30"),),
    ),
    _Group(
        "CHOIR-1",
        "DSHI-CHOIR",
        "dshi_choir",
        f"Хоровой класс, {_DSHI_ADDRESS}",
        25,
        14,
        ((1, "17:00", "18:00"), (4, "17:00", "18:00")),
    ),
    _Group(
        "DANCE-1",
        "DSHI-DANCE",
        "dshi_dance",
        f"Хореографический зал, {_DSHI_ADDRESS}",
        15,
        15,
        ((0, "17:00", "18:00"), (3, "17:00", "18:00")),
    ),
    _Group(
        "DANCE-2",
        "DSHI-DANCE",
        "dshi_dance",
        f"Хореографический зал, {_DSHI_ADDRESS}",
        15,
        4,
        ((5, "11:00", "12:30"),),
        # A second stream starting in five days with 4 of 10: the art school's coordinator is
        # asked (a week before the start) whether to cancel it or run it anyway.
        starts_in_days=5,
    ),
    _Group(
        "ART-1",
        "DSHI-ART",
        "dshi_art",
        f"Мастерская ИЗО, кабинет № 5, {_DSHI_ADDRESS}",
        12,
        11,
        ((2, "15:00", "16:30"),),
    ),
    _Group(
        "MTHEORY-1",
        "DSHI-MTHEORY",
        "coord_dshi",
        f"Класс теории музыки, кабинет № 12, {_DSHI_ADDRESS}",
        20,
        3,
        ((4, "15:00", "16:00"),),
    ),
    # College times are Yekaterinburg time (UTC+5): 19:00 there is 17:00 in Moscow.
    _Group(
        "PY-1",
        "COL-PYTHON",
        "col_it",
        _ONLINE,
        25,
        18,
        ((1, "19:00", "20:00"), (3, "19:00", "20:00")),
    ),
    _Group(
        "PY-2",
        "COL-PYTHON",
        "col_it",
        _ONLINE,
        20,
        5,
        ((5, "12:00", "13:30"),),
    ),
    _Group(
        "3D-1",
        "COL-3D",
        "col_3d",
        f"Мастерская 3D-печати, аудитория 104, {_COLLEGE_ADDRESS}",
        12,
        9,
        ((2, "18:00", "19:30"),),
    ),
)

# --- invented names ---------------------------------------------------------------------------

_BOY_NAMES = (
    "Александр", "Максим", "Иван", "Кирилл", "Егор", "Никита", "Матвей", "Тимофей",
    "Даниил", "Роман", "Михаил", "Глеб", "Лев", "Фёдор", "Ярослав", "Степан",
)  # fmt: skip
_GIRL_NAMES = (
    "Анастасия", "Мария", "Дарья", "Алиса", "Варвара", "София", "Ксения", "Вероника",
    "Ульяна", "Елизавета", "Таисия", "Милана", "Василиса", "Арина", "Екатерина", "Злата",
)  # fmt: skip
# Male forms; none is shared with a named persona.
_SURNAMES = (
    "Волков", "Попов", "Васильев", "Новиков", "Павлов", "Голубев", "Виноградов", "Богданов",
    "Воробьёв", "Калинин", "Гусев", "Титов", "Кудрявцев", "Баранов", "Куликов", "Алексеев",
    "Степанов", "Яковлев", "Сорокин", "Романов", "Захаров", "Борисов", "Королёв", "Герасимов",
    "Пономарёв", "Лазарев", "Карпов", "Афанасьев", "Власов", "Маслов", "Тарасов", "Жуков",
    "Макаров", "Андреев", "Ковалёв", "Ильин", "Гаврилов", "Филиппов", "Вишневский", "Покровский",
)  # fmt: skip
_MOTHER_NAMES = ("Елена", "Ольга", "Наталья", "Светлана", "Татьяна", "Юлия", "Ирина", "Анна")
_FATHER_NAMES = ("Алексей", "Дмитрий", "Сергей", "Андрей", "Павел", "Евгений", "Олег")
_PATRONYMICS = (
    ("Александрович", "Александровна"),
    ("Викторович", "Викторовна"),
    ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"),
    ("Игоревич", "Игоревна"),
    ("Юрьевич", "Юрьевна"),
    ("Владимирович", "Владимировна"),
    ("Михайлович", "Михайловна"),
)


def _feminine(surname: str) -> str:
    if surname.endswith("ский"):
        return surname[:-2] + "ая"
    return surname + "а"


# --- helpers ----------------------------------------------------------------------------------


def demo_term(today: date) -> tuple[date, date]:
    """The demo term: it began a week before `today` and lasts DEMO_TERM_WEEKS weeks."""
    start = today - timedelta(days=7)
    return start, start + timedelta(weeks=DEMO_TERM_WEEKS)


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _utc(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, zone).astimezone(UTC)


async def _count(session: AsyncSession, model: type[object]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def _summary(session: AsyncSession, *, created: bool) -> DemoSummary:
    return DemoSummary(
        organisations=await _count(session, Organisation),
        courses=await _count(session, Course),
        groups=await _count(session, Group),
        lessons=await _count(session, Lesson),
        people=await _count(session, Person),
        created=created,
    )


class _Builder:
    """Adds the demo rows to a session; one instance per load."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now
        self.rng = random.Random(SEED)
        self.names: set[str] = set()

    async def person(
        self,
        name: str,
        roles: tuple[tuple[Role, int | None], ...],
        *,
        home_org_id: int | None = None,
        grade: int | None = None,
    ) -> Person:
        if name in self.names:
            raise ValueError(f"demo name used twice: {name}")
        self.names.add(name)
        person = Person(
            full_name=name,
            language="ru",
            home_org_id=home_org_id,
            grade=grade,
            active_role=roles[0][0],
            created_at=self.now,
        )
        self.session.add(person)
        await self.session.flush()
        for role, org_id in roles:
            self.session.add(
                RoleGrant(
                    person_id=person.id, role=role, organisation_id=org_id, granted_at=self.now
                )
            )
        return person

    async def student(self, name: str, org: Organisation, grade: int) -> Person:
        return await self.person(name, ((Role.STUDENT, org.id),), home_org_id=org.id, grade=grade)

    async def parent_of(self, name: str, child: Person) -> Person:
        parent = await self.person(name, ((Role.PARENT, None),))
        self.session.add(ParentLink(parent_id=parent.id, child_id=child.id, created_at=self.now))
        # The demo families signed the data-processing consent (as on paper at school).
        self.session.add(
            DataConsent(
                parent_id=parent.id,
                child_id=child.id,
                version=DATA_CONSENT_VERSION,
                given_at=self.now,
            )
        )
        return parent

    def child_name(self) -> tuple[str, str]:
        """A fresh "Фамилия Имя" for a child, and the family's surname in its male form."""
        while True:
            surname = self.rng.choice(_SURNAMES)
            boy = self.rng.random() < 0.5
            first = self.rng.choice(_BOY_NAMES if boy else _GIRL_NAMES)
            name = f"{surname if boy else _feminine(surname)} {first}"
            if name not in self.names:
                return name, surname

    def parent_name(self, surname: str) -> str:
        """A fresh "Фамилия Имя Отчество" for a mother (mostly) or a father of the family."""
        while True:
            mother = self.rng.random() < 0.7
            first = self.rng.choice(_MOTHER_NAMES if mother else _FATHER_NAMES)
            patronymic = self.rng.choice(_PATRONYMICS)[1 if mother else 0]
            name = f"{_feminine(surname) if mother else surname} {first} {patronymic}"
            if name not in self.names:
                return name


def _busy_intervals(
    slots: list[WeeklySlot], zone: ZoneInfo, monday: date
) -> list[tuple[datetime, datetime]]:
    """Slots as absolute UTC intervals in one reference week, to detect clashes across zones."""
    return [
        (
            _utc(monday + timedelta(days=s.weekday), s.start_time, zone),
            _utc(monday + timedelta(days=s.weekday), s.end_time, zone),
        )
        for s in slots
    ]


def _clash(a: list[tuple[datetime, datetime]], b: list[tuple[datetime, datetime]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


# --- the loader -------------------------------------------------------------------------------


async def _agreements(
    session: AsyncSession,
    orgs: dict[str, Organisation],
    courses: dict[str, Course],
    admin: Person,
    start: date,
    end: date,
    today: date,
    enrolled_on: datetime,
) -> None:
    """The agreements of DEMO_AGREEMENTS, signed before the term and in force, each covering
    every course of its provider."""
    signed_on = start - timedelta(days=21)
    for number, home, provider, days_left in DEMO_AGREEMENTS:
        agreement = Agreement(
            number=number,
            signed_on=signed_on,
            home_org_id=orgs[home].id,
            provider_org_id=orgs[provider].id,
            starts_on=signed_on,
            ends_on=end + timedelta(days=90) if days_left is None else today + timedelta(days_left),
            state=AgreementState.ACTIVE,
            created_by=admin.id,
            created_at=enrolled_on - timedelta(days=14),
            updated_at=enrolled_on - timedelta(days=7),
        )
        session.add(agreement)
        await session.flush()
        session.add_all(
            AgreementCourse(agreement_id=agreement.id, course_id=course.id)
            for course in courses.values()
            if course.provider_org_id == orgs[provider].id
        )
        session.add_all(
            [
                AgreementEvent(
                    agreement_id=agreement.id,
                    kind=AgreementEventKind.CREATED,
                    actor_id=admin.id,
                    details={},
                    created_at=agreement.created_at,
                ),
                AgreementEvent(
                    agreement_id=agreement.id,
                    kind=AgreementEventKind.ACTIVATED,
                    actor_id=admin.id,
                    details={},
                    created_at=agreement.updated_at,
                ),
            ]
        )
    await session.flush()


async def load_demo_data(session: AsyncSession, now: datetime) -> DemoSummary:
    """Load the demo network unless it is already there; flushes, never commits."""
    if now.tzinfo is None:
        raise ValueError("load_demo_data needs an aware datetime")
    existing = await session.scalar(select(Organisation.id).where(Organisation.code == ORG_SOSH4))
    if existing is not None:
        return await _summary(session, created=False)

    b = _Builder(session, now)
    today = now.astimezone(ZoneInfo(NETWORK_TZ)).date()
    start, end = demo_term(today)
    # The demo students took their seats before the term began.
    enrolled_on = datetime.combine(start - timedelta(days=3), time(12, 0), UTC)

    # Organisations.
    orgs: dict[str, Organisation] = {}
    for o in _ORGS:
        org = Organisation(
            code=o.code,
            name=o.name,
            short_name=o.short_name,
            kind=o.kind,
            address=o.address,
            timezone=o.timezone,
            created_at=now,
        )
        session.add(org)
        orgs[o.code] = org
    await session.flush()

    # Staff and the admin.
    staff: dict[str, Person] = {}
    for member in _STAFF:
        org = orgs[member.org]
        staff[member.key] = await b.person(
            member.name, tuple((role, org.id) for role in member.roles), home_org_id=org.id
        )
    admin = await b.person(DEMO_ADMIN_NAME, ((Role.ADMIN, None),))

    # Courses.
    courses: dict[str, Course] = {}
    for c in _COURSES:
        course = Course(
            code=c.code,
            provider_org_id=orgs[c.org].id,
            title=c.title,
            description=c.description,
            direction=c.direction,
            format=c.format,
            grade_min=c.grade_min,
            grade_max=c.grade_max,
            hours=c.hours,
            is_paid=c.is_paid,
            created_at=now,
        )
        session.add(course)
        courses[c.code] = course
    await session.flush()

    await _agreements(session, orgs, courses, admin, start, end, today, enrolled_on)

    # Groups, weekly slots and lessons.
    course_specs = {c.code: c for c in _COURSES}
    groups: dict[str, Group] = {}
    group_slots: dict[str, list[WeeklySlot]] = {}
    for g in _GROUPS:
        group = Group(
            code=g.code,
            course_id=courses[g.course].id,
            teacher_id=staff[g.teacher].id,
            place=g.place,
            capacity=g.capacity,
            min_size=10,
            start_date=start if g.starts_in_days is None else today + timedelta(g.starts_in_days),
            end_date=end,
            created_at=now,
        )
        session.add(group)
        await session.flush()
        groups[g.code] = group
        slots = [
            WeeklySlot(
                group_id=group.id, weekday=wd, start_time=_time(begin), end_time=_time(finish)
            )
            for wd, begin, finish in g.slots
        ]
        session.add_all(slots)
        group_slots[g.code] = slots
        await generate_lessons(session, group, slots, orgs[course_specs[g.course].org].timezone)
    await session.flush()

    # The named students and their parents (no applications).
    student = await b.student(DEMO_STUDENT_NAME, orgs[ORG_SOSH5], DEMO_STUDENT_GRADE)
    await b.parent_of(DEMO_PARENT_NAME, student)
    student4 = await b.student(DEMO_STUDENT_SOSH4_NAME, orgs[ORG_SOSH4], DEMO_STUDENT_SOSH4_GRADE)
    await b.parent_of(DEMO_PARENT_SOSH4_NAME, student4)

    # Generated students of both schools, grades 5–11; every third has a parent.
    pool: list[Person] = []
    for i in range(GENERATED_STUDENTS):
        org = orgs[ORG_SOSH5 if i % 2 == 0 else ORG_SOSH4]
        name, surname = b.child_name()
        child = await b.student(name, org, 5 + i % 7)
        pool.append(child)
        if i % 3 == 0:
            await b.parent_of(b.parent_name(surname), child)
    await session.flush()

    # Enrollments: the most demanding groups first; no student in two groups of one course,
    # in more than three groups, or in groups whose times overlap.
    monday = start - timedelta(days=start.weekday())
    busy: dict[int, list[tuple[datetime, datetime]]] = {p.id: [] for p in pool}
    taken: dict[int, set[str]] = {p.id: set() for p in pool}
    order = sorted(
        _GROUPS,
        key=lambda g: (
            course_specs[g.course].grade_max - course_specs[g.course].grade_min,
            -g.enrolled,
        ),
    )
    applications: list[Application] = []
    for g in order:
        spec = course_specs[g.course]
        wanted = _busy_intervals(group_slots[g.code], ZoneInfo(orgs[spec.org].timezone), monday)
        candidates = [
            p
            for p in pool
            if spec.grade_min <= (p.grade or 0) <= spec.grade_max
            and spec.code not in taken[p.id]
            and len(taken[p.id]) < 3
            and not _clash(busy[p.id], wanted)
        ]
        b.rng.shuffle(candidates)
        candidates.sort(key=lambda p: len(taken[p.id]))  # stable: spread the load
        if len(candidates) < g.enrolled:
            raise RuntimeError(f"demo data: not enough free students for {g.code}")
        for p in candidates[: g.enrolled]:
            taken[p.id].add(spec.code)
            busy[p.id].extend(wanted)
            applications.append(
                Application(
                    student_id=p.id,
                    group_id=groups[g.code].id,
                    state=ApplicationState.ENROLLED,
                    created_at=enrolled_on,
                    updated_at=enrolled_on,
                    enrolled_at=enrolled_on,
                )
            )
        if g.enrolled >= groups[g.code].min_size:
            groups[g.code].confirmed_at = now
    session.add_all(applications)
    await session.flush()
    session.add_all(
        ApplicationEvent(
            application_id=app.id,
            from_state=None,
            to_state=ApplicationState.ENROLLED,
            actor_id=None,
            actor_role=None,
            created_at=enrolled_on,
        )
        for app in applications
    )
    await session.flush()
    return await _summary(session, created=True)
