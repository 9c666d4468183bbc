"""Fixtures: a migrated SQLite database per test, a frozen clock, a bot on a fake Telegram."""

from __future__ import annotations

# aiogram is imported the way the bot imports it, its types built on first use
from bot import lazy_types  # noqa: F401

# isort: split
import asyncio
import logging
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.delivery.deliverer import Deliverer
from bot.delivery.retry import RetryAfterMiddleware
from bot.delivery.senders import BotSender
from bot.factory import create_bot, create_dispatcher
from bot.logs import keep_personal_data_out
from bot.max import create_max_bot
from bot.settings import Settings
from handlers.notification_links import buttons_for
from models.db import create_engine, create_session_factory
from models.migrate import upgrade
from sandbox.max_state import MaxMessenger
from services.clock import ManualClock
from services.i18n import Translator
from tests import postgres
from tests.bot_client import BotClient
from tests.max_client import MAX_TOKEN, MaxHub, serve_max
from tests.telegram_fake import FakeTelegram

DEFAULT_TEST_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"

# Monday 23 November 2026, 09:00 in Moscow.
START = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
TOKEN = "42:TEST-TOKEN"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrations run once; every test gets a copy of the migrated file."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_url(template_db: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite file (for tests about SQLite itself)."""
    path = tmp_path / "test.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this run, migrated once, dropped at the end."""
    server = os.environ.get("TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES)
    problem = asyncio.run(postgres.reachable(server))
    if problem:
        pytest.skip(f"PostgreSQL variant skipped: no server at {server} ({problem})")
    url = asyncio.run(postgres.create_database(server, f"bot_test_{os.getpid()}"))
    try:
        asyncio.run(upgrade(url))
        yield url
    finally:
        asyncio.run(postgres.drop_database(server, url))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Every test that touches the database runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    url = str(request.getfixturevalue("postgres_url"))
    asyncio.run(postgres.empty_all_tables(url))
    return url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
async def session(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(scope="session")
def translator() -> Translator:
    return Translator()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(bot_token=TOKEN, database_url=db_url, admin_ids=[], _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def telegram() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def bot(settings: Settings, telegram: FakeTelegram) -> Bot:
    return create_bot(TOKEN, settings, session=telegram)


@pytest.fixture
def dp(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    translator: Translator,
    clock: ManualClock,
) -> Dispatcher:
    return create_dispatcher(settings, session_factory, translator, clock)


class VirtualTime:
    """Seconds that pass only when someone sleeps: rate limits are kept without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)


@pytest.fixture
def virtual_time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def deliverer(
    session_factory: async_sessionmaker[AsyncSession],
    translator: Translator,
    bot: Bot,
    clock: ManualClock,
    settings: Settings,
    virtual_time: VirtualTime,
) -> Deliverer:
    return Deliverer(
        session_factory,
        translator,
        {"telegram": BotSender(bot)},
        clock,
        settings.default_timezone,
        links=buttons_for,
        monotonic=virtual_time.monotonic,
        sleep=virtual_time.sleep,
    )


@pytest.fixture
def client_factory(dp: Dispatcher, bot: Bot, telegram: FakeTelegram) -> Callable[..., BotClient]:
    def make(user_id: int, first_name: str = "Test", language_code: str = "ru") -> BotClient:
        return BotClient(dp, bot, telegram, user_id, first_name, language_code)

    return make


# --- no personal data in logs ------------------------------------------------------------------

# The people the tests invent; none of their names may reach a log line, whatever happens.
TEST_PEOPLE = (
    "Соколов Артём",
    "Соколова Елена",
    "Петрова Марина",
    "Морозова Полина",
    "Морозов Дмитрий",
    "Кузнецова Ольга",
    "Белова Анна",
    "Орлова Вера",
    "Орлов Кирилл",
    "Лебедева Ирина",
    "Григорьева Наталья",
)


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001  (a record that cannot be formatted cannot leak either)
            return
        if record.exc_info and record.exc_info[1] is not None:
            text += " " + str(record.exc_info[1])
        for name in TEST_PEOPLE:
            if name in text:
                self.leaks.append(f"{record.name}: {text[:300]}")


_collector = _LogCollector()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Everything the application logs, at every level, as the bot configures logging."""
    logging.getLogger().addHandler(_collector)
    logging.getLogger().setLevel(logging.DEBUG)
    keep_personal_data_out()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The whole run's log output, scanned for the names of the test people."""
    logging.getLogger().removeHandler(_collector)
    if _collector.leaks:
        print("\nPersonal data in log lines:\n" + "\n".join(sorted(set(_collector.leaks))[:20]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


DEFAULT_TEST_REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
async def redis_url():
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_TEST_REDIS)
    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001  (whatever fails, there is no Redis to test with)
        await client.aclose()
        pytest.skip(f"Redis variant skipped: no server at {url} ({type(exc).__name__})")
    prefix = f"test-{os.getpid()}"
    yield url, prefix
    keys = [key async for key in client.scan_iter(f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


# --- MAX: the fake MAX API and a bot on it (tests/test_max.py, the screen walk) -----------


@dataclass
class MaxServer:
    state: MaxMessenger
    url: str


@pytest.fixture
async def max_server(clock: ManualClock) -> AsyncIterator[MaxServer]:
    # Conversations here are quick bursts; the rate limit has its own test below.
    state = MaxMessenger(MAX_TOKEN, clock=clock, requests_per_second=1000)
    runner, url = await serve_max(state)
    yield MaxServer(state, url)
    await state.close()
    await runner.cleanup()


@pytest.fixture
async def max_bot(
    max_server: MaxServer, session_factory: async_sessionmaker[AsyncSession], clock: ManualClock
) -> AsyncIterator[Bot]:
    bot = await create_max_bot(MAX_TOKEN, session_factory, clock, api_url=max_server.url)
    bot.session.middleware(RetryAfterMiddleware())
    yield bot
    await bot.session.close()


@pytest.fixture
def hub(max_server: MaxServer, dp: Dispatcher, max_bot: Bot) -> MaxHub:
    return MaxHub(max_server.state, dp, max_bot)
