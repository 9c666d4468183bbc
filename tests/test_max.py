"""The bot on MAX: the same conversations through the real `maxapi` library and the fake MAX
API, a family split across MAX and Telegram, and both messengers' rate limits at once."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import SecretStr
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_bots
from bot.delivery.broadcast_progress import BroadcastProgress
from bot.delivery.deliverer import Deliverer
from bot.delivery.limits import Limits
from bot.delivery.senders import BotSender, Buttons
from bot.max import create_max_bot, request_window
from bot.max.session import TEXT_LIMIT, fit_text, keyboard
from handlers.notification_links import buttons_for
from models import Account, Application, Group, Lesson, Person
from models.enums import ApplicationState, LessonStatus, Messenger
from sandbox.max_state import MaxMessenger
from services import outbox
from services.i18n import Translator
from tests import factories
from tests.bot_client import BotClient
from tests.conftest import ManualClock, VirtualTime
from tests.max_client import MAX_TOKEN, MaxClient, MaxHub, serve_max
from tests.telegram_fake import FakeTelegram
from tests.test_chat_lessons import TUE, lesson_at, msk, network_with_lessons, open_lesson
from tests.test_import import filled_in


@pytest.fixture
def both(
    session_factory: async_sessionmaker[AsyncSession],
    translator: Translator,
    bot: Bot,
    max_bot: Bot,
    clock: ManualClock,
    virtual_time: VirtualTime,
) -> Deliverer:
    """The delivery loop with a sender for each messenger."""
    return Deliverer(
        session_factory,
        translator,
        {"telegram": BotSender(bot), "max": BotSender(max_bot, TEXT_LIMIT)},
        clock,
        "Europe/Moscow",
        links=buttons_for,
        monotonic=virtual_time.monotonic,
        sleep=virtual_time.sleep,
    )


async def move_to_max(
    session: AsyncSession, person: Person, hub: MaxHub, user_id: int
) -> MaxClient:
    """This person uses MAX only, from now on (their Telegram account goes)."""
    client = hub.client(user_id)
    await session.execute(delete(Account).where(Account.person_id == person.id))
    session.add(
        Account(
            person_id=person.id,
            messenger=Messenger.MAX,
            user_id=user_id,
            chat_id=user_id,  # MAX dialogs are addressed by the person's id
        )
    )
    await session.flush()
    return client


# --- the whole loop on MAX -----------------------------------------------------------------------


async def test_a_student_and_parent_on_max_go_through_the_whole_enrollment(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    hub: MaxHub,
    client_factory: type,
    both: Deliverer,
) -> None:
    await factories.network(session)
    await session.commit()
    student = hub.client(5101, "Ваня", started=False)
    coordinator: BotClient = client_factory(103)  # the school's coordinator stays on Telegram

    # Opening the bot on MAX is its /start.
    await student.start()
    assert "Выберите язык" in student.screen()
    assert "[English]" in student.screen()
    await student.click("Русский")
    await student.click("Ученик")
    await student.click("МБОУ СОШ № 5")
    assert "В каком вы классе?" in student.screen()
    grades = [b["text"] for row in student.bot_messages()[-1].buttons for b in row]
    assert grades == [str(g) for g in range(1, 12)]
    await student.click("8")
    await student.send("Иванов Иван")
    assert "<b>Иванов Иван</b> · Ученик" in student.screen()

    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    await student.click("Записаться")
    await student.click("Да, подать")
    assert "Заявление отправлено" in student.screen()

    # The parent joins on MAX by the code the student passes on.
    await student.send("/parent")
    code = student.screen().split("<code>")[1].split("</code>")[0]
    assert "https://max.ru/school_network_bot?start=par-" in student.screen()
    parent = hub.client(5102, "Лена", started=False)
    await parent.start(f"par-{code}")
    await parent.click("Русский")
    await parent.send("Иванова Елена")
    assert any("ваш ребёнок в боте" in text for text in parent.texts()), parent.texts()

    assert "1</b> заявление ждёт вашего согласия" in parent.screen()
    await parent.send("/children")
    await parent.click("Олимпиадная математика")
    # A parent new to the bot confirms and consents to the use of the child's data at once.
    assert "даёте согласие на обработку его персональных данных" in parent.screen()
    await parent.click("Подтвердить")
    assert "согласие" in parent.screen().lower()

    await both.deliver_due()
    assert any("Новое заявление" in text for text in coordinator.texts())
    await coordinator.send("/review")
    await coordinator.click("Иванов Иван")
    await coordinator.click("Одобрить")

    await both.deliver_due()
    assert any("зачислен" in text for text in student.texts())
    assert any("зачислен" in text for text in parent.texts())
    async with session_factory() as s:
        application = await s.scalar(select(Application))
        assert application is not None
        assert application.state == ApplicationState.ENROLLED
    # Every request the bot made was one MAX accepts.
    refused = [r for r in hub.state.requests if r.status >= 400]
    assert refused == [], [(r.path, r.code) for r in refused]


async def test_a_cancelled_lesson_alerts_the_student_on_max(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    hub: MaxHub,
    client_factory: type,
    both: Deliverer,
) -> None:
    net = await network_with_lessons(session)
    student = await move_to_max(session, net.student, hub, 5101)
    await session.commit()
    teacher: BotClient = client_factory(301)
    lesson = await lesson_at(session_factory, net.group.id, msk(TUE, 15))

    await open_lesson(teacher, session_factory, net.group.id, msk(TUE, 15))
    await teacher.click("Отменить занятие")
    await teacher.send("Педагог заболел")
    await teacher.click("Да, отменить")
    await both.deliver_due()

    alert = student.texts()[-1]
    assert "отменено" in alert.lower()
    assert "Педагог заболел" in alert
    assert (await lesson_at(session_factory, net.group.id, msk(TUE, 15))).id == lesson.id
    # The schedule on MAX shows it cancelled too.
    await student.send("/schedule")
    assert "отмен" in student.screen()
    async with session_factory() as s:
        stored = await s.get(Lesson, lesson.id)
        assert stored is not None
        assert stored.status == LessonStatus.CANCELLED


async def test_a_coordinator_on_max_gets_the_template_and_imports_it(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    hub: MaxHub,
) -> None:
    """Files both ways on MAX: the bot uploads the template, the coordinator sends it back
    (as it is: only examples; then filled in) and the bot downloads it from MAX to import it,
    once for the preview and again on «Импортировать»."""
    net = await factories.network(session)
    coordinator = await move_to_max(session, net.coordinator, hub, 5103)
    await session.commit()

    await coordinator.send("/template")
    [template] = [f for m in coordinator.bot_messages() for f in m.files]
    assert template.filename == "import-template.xlsx"
    assert template.kind == "file"

    await coordinator.send("/import")
    await coordinator.send_file(template.data, "import-template.xlsx")
    assert "В файле только примеры" in coordinator.texts()[-1]
    await coordinator.send_file(filled_in(template.data), "import-template.xlsx")
    assert "Файл проверен, ошибок нет" in coordinator.texts()[-1]
    await coordinator.click("Импортировать")
    assert "Таблица загружена" in coordinator.texts()[-1]
    async with session_factory() as s:
        group = await s.scalar(select(Group).where(Group.code == "ART-01-A"))
        assert group is not None
        assert group.place == "каб. 12"


async def test_a_broadcast_from_max_shows_its_progress_there(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    hub: MaxHub,
    client_factory: type,
    both: Deliverer,
    bot: Bot,
    max_bot: Bot,
    translator: Translator,
    clock: ManualClock,
) -> None:
    """A coordinator on MAX writes to the school's families (on Telegram): the progress
    message is edited on MAX, where the coordinator watches it."""
    await factories.network(session)
    net_coordinator = await session.scalar(
        select(Person).where(Person.full_name == "Петрова Марина")
    )
    assert net_coordinator is not None
    coordinator = await move_to_max(session, net_coordinator, hub, 5103)
    await session.commit()
    student: BotClient = client_factory(101)

    await coordinator.send("/broadcast")
    await coordinator.click("Ученикам и родителям")
    await coordinator.send("Завтра собрание в 18:00")
    await coordinator.click("Отправить")
    progress = coordinator.bot_messages()[-1]
    assert "Доставлено 0 из 2" in (progress.raw_text or "")

    await both.deliver_due()
    assert any("Завтра собрание в 18:00" in text for text in student.texts())
    clock.advance(timedelta(seconds=3))
    updater = BroadcastProgress(
        session_factory, {"telegram": bot, "max": max_bot}, translator, clock, "Europe/Moscow"
    )
    assert await updater.tick() == 1
    assert coordinator.bot_messages()[-1].mid == progress.mid, "edited in place"
    assert "Рассылка завершена" in (coordinator.bot_messages()[-1].raw_text or "")


# --- a family across messengers ------------------------------------------------------------------


async def test_parent_on_max_and_child_on_telegram_each_get_their_part(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    hub: MaxHub,
    client_factory: type,
    both: Deliverer,
    telegram: FakeTelegram,
) -> None:
    net = await factories.network(session)
    parent = await move_to_max(session, net.parent, hub, 5102)
    await session.commit()
    student: BotClient = client_factory(101)

    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    await student.click("Записаться")
    await student.click("Да, подать")
    await both.deliver_due()

    # The consent request reaches the parent on MAX, not on Telegram.
    assert "Соколов Артём" in parent.texts()[-1]
    assert telegram.messages(102) == []
    await parent.send("/children")
    await parent.click("Олимпиадная математика")
    await parent.click("Подтвердить")
    await both.deliver_due()

    assert any("подтвердил" in text for text in student.texts()), student.texts()[-3:]
    async with session_factory() as s:
        application = await s.scalar(select(Application))
        assert application is not None
        assert application.state == ApplicationState.AWAITING_SCHOOL


async def test_a_telegram_parent_connects_max_with_a_code(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    hub: MaxHub,
    client_factory: type,
    both: Deliverer,
) -> None:
    net = await factories.network(session)
    await session.commit()
    telegram_parent: BotClient = client_factory(102)

    await telegram_parent.send("/messengers")
    screen = telegram_parent.screen()
    assert "Telegram — подключён, уведомления приходят сюда" in screen
    assert "MAX — не подключён" in screen
    await telegram_parent.click("Подключить другой мессенджер")
    code = telegram_parent.screen().split("<code>")[1].split("</code>")[0]

    on_max = hub.client(5102, "Лена", started=False)
    await on_max.start()
    await on_max.click("Русский")
    await on_max.send(f"/connect {code}")
    assert any("MAX подключён к вашему профилю" in t for t in on_max.texts())
    assert "Соколова Елена" in on_max.screen()
    assert "Родитель" in on_max.screen()

    # The same code does not work twice.
    stranger = hub.client(5999, "Кто-то", started=False)
    await stranger.start()
    await stranger.click("Русский")
    await stranger.send(f"/connect {code}")
    assert "Такого кода нет" in stranger.screen()

    # Notifications reach both; then only MAX, once Telegram is switched off.
    await telegram_parent.send("/messengers")
    await telegram_parent.click("Не присылать в Telegram")
    assert "Telegram — подключён, уведомления сюда не приходят" in telegram_parent.screen()
    answer = await telegram_parent.click("Не присылать в MAX")
    assert answer is not None
    assert "Хотя бы в один мессенджер" in answer

    before = len(telegram_parent.texts())
    async with session_factory() as s:
        await outbox.notify(
            s,
            person_id=net.parent.id,
            kind="notify-consent-reminder",
            params={"student": "Соколов Артём", "course": "Олимпиадная математика", "group": "G-1"},
            dedupe_key="test-both",
            now=hub.state.clock.now(),
        )
        await s.commit()
    await both.deliver_due()
    assert len(telegram_parent.texts()) == before
    assert "Соколова Артёма" in on_max.texts()[-1]


# --- MAX's limits --------------------------------------------------------------------------------


def test_long_rows_wrap_and_long_texts_are_cut_to_what_max_takes() -> None:
    row = [InlineKeyboardButton(text=str(n), callback_data=f"d{n}") for n in range(1, 12)]
    [attachment] = keyboard(InlineKeyboardMarkup(inline_keyboard=[row]))
    rows = attachment.payload.buttons  # type: ignore[union-attr]
    assert [len(r) for r in rows] == [7, 4]
    roster = [
        [InlineKeyboardButton(text=f"Ученик {n}", callback_data=f"s{n}")] for n in range(40)
    ] + [[InlineKeyboardButton(text="Сохранить", callback_data="save")]]
    [attachment] = keyboard(InlineKeyboardMarkup(inline_keyboard=roster))
    rows = attachment.payload.buttons  # type: ignore[union-attr]
    assert len(rows) <= 30
    assert all(len(r) <= 7 for r in rows)
    assert [b.payload for r in rows for b in r] == [f"s{n}" for n in range(40)] + ["save"]
    text = "строка\n" * 1000
    assert len(fit_text(text)) <= TEXT_LIMIT < 4000
    assert fit_text(text).endswith("…")
    assert fit_text("коротко") == "коротко"


async def test_both_messengers_keep_their_rate_limits_at_once(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    translator: Translator,
    clock: ManualClock,
    bot: Bot,
    telegram: FakeTelegram,
) -> None:
    """60 people on Telegram and 60 on MAX told at once: each messenger sees at most 30
    messages in any second, and MAX refuses none (the fake enforces MAX's limit)."""
    state = MaxMessenger(MAX_TOKEN, clock=clock)  # MAX's real 30 requests a second
    runner, url = await serve_max(state)
    max_bot = await create_max_bot(MAX_TOKEN, session_factory, clock, api_url=url)
    try:
        home = await factories.org(session)
        for n in range(60):
            for messenger, user_id in (
                (Messenger.TELEGRAM, 810_000 + n),
                (Messenger.MAX, 820_000 + n),
            ):
                person = Person(full_name="", language="ru", home_org_id=home.id)
                session.add(person)
                await session.flush()
                chat_id = user_id
                telegram.known_chats.add(user_id)
                if messenger == Messenger.MAX:
                    state.add_user(user_id, "Ученик")
                    state.dialog_of(user_id).started = True
                session.add(
                    Account(
                        person_id=person.id, messenger=messenger, user_id=user_id, chat_id=chat_id
                    )
                )
                await session.flush()
                await outbox.notify(
                    session,
                    person_id=person.id,
                    kind="notify-consent-reminder",
                    params={"student": "Ученик", "course": "Курс", "group": "G-1"},
                    dedupe_key=f"rate-{user_id}",
                    now=clock.now(),
                )
        await session.commit()
        sent_at: dict[str, list[float]] = {"telegram": [], "max": []}

        class Timed(BotSender):
            def __init__(self, target: Bot, limit: int, name: str) -> None:
                super().__init__(target, limit)
                self.name = name

            async def send_text(
                self, chat_id: int, text: str, buttons: Buttons | None = None
            ) -> None:
                await super().send_text(chat_id, text, buttons)
                sent_at[self.name].append(time.monotonic())

        deliverer = Deliverer(
            session_factory,
            translator,
            {
                "telegram": Timed(bot, 4096, "telegram"),
                "max": Timed(max_bot, TEXT_LIMIT, "max"),
            },
            clock,
            "Europe/Moscow",
            links=buttons_for,
            limits=Limits(batch=120),
        )
        delivered = 0
        while delivered < 120:
            got = await deliverer.deliver_due()
            assert got, "nothing was delivered"
            delivered += got
        for name, times in sent_at.items():
            assert len(times) == 60, name
            assert _busiest_second(times) <= 30, name
        assert [r for r in state.requests if r.status == 429] == []
    finally:
        await max_bot.session.close()
        await state.close()
        await runner.cleanup()


def _busiest_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times))


async def test_replies_and_notifications_on_max_share_its_limit(
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    translator: Translator,
    clock: ManualClock,
    dp: Dispatcher,
) -> None:
    """MAX counts every request of the bot: while 50 notifications go out, 20 people press
    /help; the handlers' bot and the sender share one window, and MAX refuses nothing."""
    state = MaxMessenger(MAX_TOKEN, clock=clock)  # MAX's real 30 requests a second
    runner, url = await serve_max(state)
    window = request_window()
    handlers_bot = await create_max_bot(
        MAX_TOKEN, session_factory, clock, api_url=url, limiter=window
    )
    sender_bot = await create_max_bot(
        MAX_TOKEN, session_factory, clock, api_url=url, limiter=window
    )
    try:
        home = await factories.org(session)
        for n in range(50):
            user_id = 830_000 + n
            state.add_user(user_id, "Ученик")
            state.dialog_of(user_id).started = True
            person = Person(full_name="", language="ru", home_org_id=home.id)
            session.add(person)
            await session.flush()
            session.add(
                Account(
                    person_id=person.id, messenger=Messenger.MAX, user_id=user_id, chat_id=user_id
                )
            )
            await outbox.notify(
                session,
                person_id=person.id,
                kind="notify-consent-reminder",
                params={"student": "Ученик", "course": "Курс", "group": "G-1"},
                dedupe_key=f"share-{user_id}",
                now=clock.now(),
            )
        await session.commit()
        deliverer = Deliverer(
            session_factory,
            translator,
            {"max": BotSender(sender_bot, TEXT_LIMIT)},
            clock,
            "Europe/Moscow",
            limits=Limits(batch=50),
        )
        hub = MaxHub(state, dp, handlers_bot)
        people = [hub.client(840_000 + n) for n in range(20)]

        async def press_help() -> None:
            for person_chat in people:
                state.send_text(person_chat.user_id, "/help")
                await hub.pump()

        delivered, _ = await asyncio.gather(deliverer.deliver_due(), press_help())

        assert delivered == 50
        assert all(person_chat.texts() for person_chat in people), "everyone got an answer"
        assert [r.path for r in state.requests if r.status == 429] == []
        api = sorted(r.at for r in state.requests if not r.path.startswith(("/upload", "/files")))
        assert _busiest_second(api) <= 30
    finally:
        await handlers_bot.session.close()
        await sender_bot.session.close()
        await state.close()
        await runner.cleanup()


async def test_the_handlers_bot_and_the_sender_are_one_max_bot_asked_for_once(
    settings, session_factory, clock
):
    state = MaxMessenger(MAX_TOKEN, clock=clock)
    runner, url = await serve_max(state)
    on_max = settings.model_copy(
        update={"max_bot_token": SecretStr(MAX_TOKEN), "max_api_base_url": url}
    )
    bots, senders = await create_bots(on_max, session_factory, clock)
    try:
        assert bots[Messenger.MAX].id == senders[Messenger.MAX].id
        assert bots[Messenger.MAX] is not senders[Messenger.MAX]
        assert [r.path for r in state.requests] == ["/me"], "MAX is asked who the bot is once"
    finally:
        for b in (*bots.values(), *senders.values()):
            await b.session.close()
        await state.close()
        await runner.cleanup()


async def test_every_process_of_a_max_bot_counts_in_one_window_in_redis(
    redis_url, session_factory, clock
):
    """Two processes (here two bots, each with its own window object) sending at once stay
    within MAX's 30 requests a second together: the window is counted in Redis."""
    url, prefix = redis_url
    state = MaxMessenger(MAX_TOKEN, clock=clock)  # MAX's real 30 requests a second
    runner, api = await serve_max(state)
    first, second = [
        await create_max_bot(
            MAX_TOKEN,
            session_factory,
            clock,
            api_url=api,
            limiter=request_window(url, prefix),
            bot_id=1,
        )
        for _ in range(2)
    ]
    try:
        for n in range(42):
            state.add_user(850_000 + n, "Ученик")
            state.dialog_of(850_000 + n).started = True

        async def send_all(max_bot: Bot, users: range) -> None:
            for user_id in users:
                await max_bot.send_message(chat_id=user_id, text="Занятие перенесено")

        # Each process has its connection to MAX open, as it has after its first request (a
        # first request's connecting happens after its place in the window was taken).
        await send_all(first, range(850_040, 850_041))
        await send_all(second, range(850_041, 850_042))
        await asyncio.sleep(1.1)
        started = time.monotonic()
        await asyncio.gather(
            send_all(first, range(850_000, 850_020)), send_all(second, range(850_020, 850_040))
        )
        elapsed = time.monotonic() - started
        assert [r for r in state.requests if r.status == 429] == []
        assert sum(len(state.dialog_of(850_000 + n).messages) for n in range(40)) == 40
        assert elapsed >= 1.0, "the 31st request waited for the first to leave the window"
    finally:
        for max_bot in (first, second):
            await max_bot.session.close()
        await state.close()
        await runner.cleanup()
