"""Benchmark: updates per second through the whole stack for the hottest flows — a catalogue
page and an attendance toggle — beside a bare aiogram handler doing one SELECT by key and one
INSERT through the same session middleware, on SQLite and on PostgreSQL; the reminder tick
with 100,000 future lessons; peak memory.

Run by hand from the project root:  .venv/bin/python -m bench.throughput
(PostgreSQL is used if it answers at TEST_POSTGRES_URL, default postgres@127.0.0.1/test.)
Targets: ratio >= 0.8; tick < 50 ms; peak RSS < 200 MB.
"""

from __future__ import annotations

# aiogram is imported the way the bot imports it, its types built on first use
from bot import lazy_types  # noqa: F401

# isort: split
import asyncio
import json
import logging
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import AsyncGenerator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from statistics import median
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.base import BaseSession
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Message, Update
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.factory import create_bot, create_dispatcher
from bot.middlewares import UpdateMiddleware
from bot.settings import Settings
from handlers.catalogue import View
from handlers.roster import Mark
from models import (
    Account,
    Application,
    AuditRecord,
    Course,
    Group,
    Lesson,
    Organisation,
    Person,
    RoleGrant,
    WeeklySlot,
)
from models.db import create_engine, create_session_factory
from models.enums import ApplicationState, CourseFormat, Direction, Messenger, OrgKind, Role
from models.migrate import upgrade
from services.clock import ManualClock
from services.i18n import Translator
from services.reminders import ReminderRules, queue_lesson_reminders, queue_roll_reminders
from tests import postgres

STUDENTS = 10_000
GROUPS = 500
TEACHERS = 250
UPDATES = 1500
TURN = 100  # updates of each flow in one turn
FUTURE_LESSONS = 100_000
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
TERM = (date(2026, 11, 16), date(2027, 3, 7))


async def load(url: str) -> dict[str, int]:
    """10,000 students in 4 schools, 500 groups with weekly slots and a term of lessons."""
    await upgrade(url)
    engine = create_engine(url)
    rng = random.Random(1)
    async with create_session_factory(engine)() as s:
        await s.execute(
            insert(Organisation),
            [
                {
                    "id": n,
                    "code": f"org{n}",
                    "name": f"Школа {n}",
                    "short_name": f"Школа {n}",
                    "kind": OrgKind.SCHOOL,
                    "address": "",
                    "timezone": "Europe/Moscow",
                    "created_at": NOW,
                }
                for n in range(1, 5)
            ],
        )
        people = [
            {
                "id": n,
                "full_name": f"Ученик {n}",
                "language": "ru",
                "grade": 5 + n % 7,
                "home_org_id": 1 + n % 4,
                "active_role": Role.STUDENT,
                "created_at": NOW,
            }
            for n in range(1, STUDENTS + 1)
        ]
        people += [
            {
                "id": STUDENTS + n,
                "full_name": f"Педагог {n}",
                "language": "ru",
                "home_org_id": 1 + n % 4,
                "active_role": Role.TEACHER,
                "created_at": NOW,
            }
            for n in range(1, TEACHERS + 1)
        ]
        await s.execute(insert(Person), people)
        await s.execute(
            insert(RoleGrant),
            [
                {
                    "person_id": p["id"],
                    "role": p["active_role"],
                    "organisation_id": p["home_org_id"],
                    "granted_at": NOW,
                }
                for p in people
            ],
        )
        await s.execute(
            insert(Account),
            [
                {
                    "person_id": p["id"],
                    "messenger": Messenger.TELEGRAM,
                    "user_id": p["id"],
                    "chat_id": p["id"],
                    "created_at": NOW,
                }
                for p in people
            ],
        )
        directions = list(Direction)
        await s.execute(
            insert(Course),
            [
                {
                    "id": n,
                    "code": f"C{n}",
                    "provider_org_id": 1 + n % 4,
                    "title": f"Курс {n}",
                    "description": "Описание курса.",
                    "direction": directions[n % len(directions)],
                    "format": CourseFormat.IN_PERSON,
                    "grade_min": 5,
                    "grade_max": 11,
                    "hours": 34,
                    "is_paid": False,
                    "created_at": NOW,
                }
                for n in range(1, 101)
            ],
        )
        await s.execute(
            insert(Group),
            [
                {
                    "id": n,
                    "code": f"G{n}",
                    "course_id": 1 + n % 100,
                    "teacher_id": STUDENTS + 1 + n % TEACHERS,
                    "place": "каб. 1",
                    "capacity": 30,
                    "min_size": 10,
                    "start_date": TERM[0],
                    "end_date": TERM[1],
                    "created_at": NOW,
                }
                for n in range(1, GROUPS + 1)
            ],
        )
        await s.execute(
            insert(WeeklySlot),
            [
                {
                    "group_id": n,
                    "weekday": n % 6,
                    "start_time": dtime(14 + n % 4),
                    "end_time": dtime(15 + n % 4),
                }
                for n in range(1, GROUPS + 1)
            ],
        )
        lessons = []
        for n in range(1, GROUPS + 1):
            day = TERM[0] + timedelta(days=(n % 6 - TERM[0].weekday()) % 7)
            while day <= TERM[1]:
                start = datetime.combine(day, dtime(11 + n % 4), UTC)
                lessons.append(
                    {
                        "group_id": n,
                        "starts_at": start,
                        "ends_at": start + timedelta(hours=1),
                        "place": "каб. 1",
                        "updated_at": NOW,
                    }
                )
                day += timedelta(days=7)
        await s.execute(insert(Lesson), lessons)
        # Lessons far ahead (next terms), up to 100,000 in all, for the reminder tick.
        far = NOW + timedelta(days=120)
        await s.execute(
            insert(Lesson),
            [
                {
                    "group_id": 1 + n % GROUPS,
                    "starts_at": far + timedelta(minutes=n),
                    "ends_at": far + timedelta(minutes=n + 45),
                    "place": "",
                    "updated_at": NOW,
                }
                for n in range(FUTURE_LESSONS - len(lessons))
            ],
        )
        enrolments = [
            {
                "student_id": st,
                "group_id": g,
                "state": ApplicationState.ENROLLED,
                "created_at": NOW,
                "updated_at": NOW,
                "enrolled_at": NOW - timedelta(days=30),
            }
            for st in range(1, STUDENTS + 1)
            for g in rng.sample(range(1, GROUPS + 1), 2)
        ]
        await s.execute(insert(Application), enrolments)
        await s.commit()
    await engine.dispose()
    return {"lessons": len(lessons), "applications": len(enrolments)}


def bare_dispatcher(session_factory: Any) -> Dispatcher:
    """The baseline: the same session middleware, one SELECT by key, one INSERT."""
    dp = Dispatcher()
    dp.update.outer_middleware(UpdateMiddleware(session_factory))
    router = Router()

    @router.message()
    async def handler(message: Message, session: AsyncSession) -> None:
        await session.scalar(select(Person).where(Person.id == message.from_user.id))
        session.add(
            AuditRecord(
                action="bench", object_type="bench", object_id=1, details={}, created_at=NOW
            )
        )
        await message.answer("ok")

    dp.include_router(router)
    return dp


def message_update(n: int, user: int, text: str, bot: Bot) -> Update:
    return Update.model_validate(
        {
            "update_id": n,
            "message": {
                "message_id": n,
                "date": 1_700_000_000,
                "chat": {"id": user, "type": "private"},
                "from": {"id": user, "is_bot": False, "first_name": "U"},
                "text": text,
            },
        },
        context={"bot": bot},
    )


def callback_update(n: int, user: int, data: str, message_id: int, bot: Bot) -> Update:
    return Update.model_validate(
        {
            "update_id": n,
            "callback_query": {
                "id": str(n),
                "from": {"id": user, "is_bot": False, "first_name": "U"},
                "chat_instance": "c",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": 1_700_000_000,
                    "chat": {"id": user, "type": "private"},
                    "text": "x",
                },
            },
        },
        context={"bot": bot},
    )


async def rate(dp: Dispatcher, bot: Bot, updates: list[Update]) -> float:
    started = time.perf_counter()
    for update in updates:
        await dp.feed_update(bot, update)
    return len(updates) / (time.perf_counter() - started)


class QuietTelegram(BaseSession):
    """Answers like Telegram (the full message comes back and aiogram validates it) but keeps
    nothing and checks nothing: the bot's work is measured, not the test double's. It counts
    the refusals (a press answered with an alert), so a flow that was refused is not taken for
    one that worked."""

    refusals = 0

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        if isinstance(method, AnswerCallbackQuery) and method.show_alert:
            self.refusals += 1
        result: Any = True
        if isinstance(method, SendMessage | EditMessageText):
            result = {
                "message_id": getattr(method, "message_id", None) or 1,
                "date": 1_700_000_000,
                "chat": {"id": int(method.chat_id or 0), "type": "private"},
                "text": method.text,
            }
            if method.reply_markup is not None:
                result["reply_markup"] = method.reply_markup.model_dump(exclude_none=True)
        return self.check_response(
            bot, method, 200, json.dumps({"ok": True, "result": result})
        ).result

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""


async def measure(url: str, label: str) -> None:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    bot = create_bot("42:BENCH", settings, session=QuietTelegram())
    clock = ManualClock(NOW + timedelta(hours=6))

    def screen(uid: int) -> int:
        return 1  # the message a button was pressed on

    seq = iter(range(10_000_000))
    bare = bare_dispatcher(factory)
    messages = [message_update(next(seq), 1 + n % STUDENTS, "hi", bot) for n in range(UPDATES)]
    dp = create_dispatcher(settings, factory, Translator(), clock)
    pages = [
        callback_update(
            next(seq), 1 + n % STUDENTS, View(p=n % 5).pack(), screen(1 + n % STUDENTS), bot
        )
        for n in range(UPDATES)
    ]
    async with factory() as s:  # today's lessons that have begun (open to marking), rosters
        today = (
            await s.execute(
                select(Lesson.id, Group.teacher_id, Application.student_id)
                .join(Group, Group.id == Lesson.group_id)
                .join(Application, Application.group_id == Group.id)
                .where(Lesson.starts_at >= NOW, Lesson.starts_at <= clock.now())
                .order_by(Lesson.id, Application.student_id)  # a teacher marks one roster at a time
                .limit(UPDATES)
            )
        ).all()
    toggles = [
        callback_update(
            next(seq), teacher, Mark(lesson=lesson, student=student).pack(), screen(teacher), bot
        )
        for lesson, teacher, student in today
    ]
    toggles = (toggles * (UPDATES // max(len(toggles), 1) + 1))[:UPDATES]
    for flow, updates in ((bare, messages), (dp, pages), (dp, toggles)):  # warm up
        await rate(flow, bot, updates[:50])
    # The three in short turns, and each ratio taken within one turn: the machine's speed
    # drifts from minute to minute, and a ratio of two moments would measure the drift.
    rates: dict[str, list[float]] = {"bare": [], "catalogue": [], "toggle": []}
    ratios: dict[str, list[float]] = {"catalogue": [], "toggle": []}
    for turn in range(0, UPDATES, TURN):
        bare_rate = await rate(bare, bot, messages[turn : turn + TURN])
        rates["bare"].append(bare_rate)
        for name, flow, updates in (("catalogue", dp, pages), ("toggle", dp, toggles)):
            flow_rate = await rate(flow, bot, updates[turn : turn + TURN])
            rates[name].append(flow_rate)
            ratios[name].append(flow_rate / bare_rate)
    baseline, catalogue, attendance = (median(rates[k]) for k in ("bare", "catalogue", "toggle"))
    assert isinstance(bot.session, QuietTelegram)
    assert bot.session.refusals == 0, f"{bot.session.refusals} presses were refused"
    await engine.dispose()
    print(f"[{label}] bare SELECT+INSERT handler: {baseline:7.0f} updates/s")
    print(
        f"[{label}] catalogue page:             {catalogue:7.0f} updates/s  "
        f"(ratio {median(ratios['catalogue']):.2f}, {min(ratios['catalogue']):.2f}–"
        f"{max(ratios['catalogue']):.2f} over {len(ratios['catalogue'])} turns)"
    )
    print(
        f"[{label}] attendance toggle:          {attendance:7.0f} updates/s  "
        f"(ratio {median(ratios['toggle']):.2f}, {min(ratios['toggle']):.2f}–"
        f"{max(ratios['toggle']):.2f} over {len(ratios['toggle'])} turns)"
    )


async def tick(url: str, label: str) -> None:
    """The reminder tick with 100,000 future lessons in the database."""
    engine = create_engine(url)
    factory = create_session_factory(engine)
    rules = ReminderRules()
    async with factory() as s:  # the first tick catches up on everything due; then steady
        await queue_lesson_reminders(s, NOW, rules)
        await queue_roll_reminders(s, NOW, rules)
        await s.commit()
    times = []
    for n in range(1, 31):  # the scheduler's minute ticks over half an hour
        moment, since = NOW + timedelta(minutes=n), NOW + timedelta(minutes=n - 1)
        async with factory() as s:
            started = time.perf_counter()
            await queue_lesson_reminders(s, moment, rules, since)
            await queue_roll_reminders(s, moment, rules, since)
            await s.commit()
            times.append(time.perf_counter() - started)
    await engine.dispose()
    times.sort()
    print(
        f"[{label}] reminder tick, {FUTURE_LESSONS:,} future lessons: median "
        f"{times[len(times) // 2] * 1000:.1f} ms (min {times[0] * 1000:.1f})"
    )


async def load_elsewhere(url: str) -> dict[str, int]:
    """Load the data in a child process, so this one's peak memory is the bot's alone."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.throughput",
        "--load",
        url,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, "loading failed"
    lessons, applications = (int(n) for n in out.split())
    return {"lessons": lessons, "applications": applications}


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        loaded = await load_elsewhere(sqlite)
        print(
            f"loaded: {STUDENTS:,} students, {GROUPS} groups, {loaded['lessons']:,} lessons, "
            f"{loaded['applications']:,} enrolments"
        )
        await measure(sqlite, "SQLite")
        await tick(sqlite, "SQLite")
    server = os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    )
    problem = await postgres.reachable(server)
    if problem:
        print(f"[PostgreSQL] skipped: {problem}")
    else:
        url = await postgres.create_database(server, f"bot_bench_{os.getpid()}")
        try:
            await load_elsewhere(url)
            await measure(url, "PostgreSQL")
            await tick(url, "PostgreSQL")
        finally:
            await postgres.drop_database(server, url)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--load":
        counts = asyncio.run(load(sys.argv[2]))
        print(counts["lessons"], counts["applications"])
    else:
        asyncio.run(main())
