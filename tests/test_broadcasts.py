"""Broadcasts: audience → text → preview with counts → send once, at bulk priority, with a
progress message the worker edits as delivery goes."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.delivery.broadcast_progress import BroadcastProgress
from handlers.broadcasts import BcWho
from models import Account, AuditRecord, Broadcast, DataConsent, Notification, Person
from models.enums import NotificationState, Priority, Role
from services import broadcasts, outbox
from services.broadcasts import Audience
from services.errors import Invalid
from tests import factories
from tests.conftest import START

ADMIN = 900


async def _network(session, telegram=None, *, unreachable_student: bool = True):
    """The factory network, a network admin, and one more student of the home school whose
    account refuses our messages (blocked the bot). With `telegram`, everyone's chat exists."""
    net = await factories.network(session)
    if telegram is not None:
        telegram.known_chats.update({101, 102, 103, 201, 202, 203, 301, ADMIN})
    await factories.person(session, "Григорьева Наталья", Role.ADMIN, telegram_id=ADMIN)
    blocked = None
    if unreachable_student:
        blocked = await factories.person(
            session, "Орлов Кирилл", Role.STUDENT, net.home.id, grade=7, telegram_id=120
        )
        account = await session.scalar(select(Account).where(Account.person_id == blocked.id))
        account.unreachable_since = START
    await session.commit()
    return net, blocked


async def _rows(session_factory, broadcast_id: int | None = None) -> list[Notification]:
    async with session_factory() as s:
        query = select(Notification).where(Notification.kind == broadcasts.KIND)
        if broadcast_id is not None:
            query = query.where(Notification.broadcast_id == broadcast_id)
        return list((await s.scalars(query.order_by(Notification.person_id))).all())


async def _broadcasts(session_factory) -> list[Broadcast]:
    async with session_factory() as s:
        return list((await s.scalars(select(Broadcast).order_by(Broadcast.id))).all())


async def drain(deliverer, session_factory, rounds: int = 30) -> None:
    """Deliver until nothing due is left (a batch of failures alone delivers nothing)."""
    for _ in range(rounds):
        await deliverer.deliver_due()
        async with session_factory() as s:
            due = await s.scalar(
                select(func.count(Notification.id)).where(
                    Notification.state == NotificationState.PENDING,
                    Notification.next_attempt_at <= deliverer.clock.now(),
                )
            )
        if not due:
            return


def progress_updater(session_factory, bot, translator, clock) -> BroadcastProgress:
    return BroadcastProgress(session_factory, {"telegram": bot}, translator, clock, "Europe/Moscow")


async def _write(client, button: str, text: str) -> None:
    await client.send("/broadcast")
    await client.click(button)
    await client.send(text)


# --- through the chat --------------------------------------------------------------------------


async def test_coordinator_previews_then_reaches_exactly_own_students_and_parents(
    session, session_factory, client_factory, deliverer, telegram, bot, translator, clock
):
    net, blocked = await _network(session, telegram)
    coordinator = client_factory(103)
    await coordinator.send("/broadcast")
    assert "МБОУ СОШ № 5" in coordinator.screen()
    assert "Учителям" not in coordinator.screen(), "a coordinator writes to families only"
    await coordinator.click("Ученикам и родителям")
    assert "ученики, родители учеников — МБОУ СОШ № 5" in coordinator.screen()
    await coordinator.send("Завтра <b>собрание</b> в 18:00 & не опаздывайте")

    preview = coordinator.screen()
    assert "Получат <b>3</b> человека" in preview  # two students and one parent
    assert "Заблокировали бота: 1 — им сообщение не придёт." in preview
    assert "не начинали диалог" not in preview, "everyone here has started the bot"
    assert "Сообщения уходят после срочных." in preview, "09:00 is not a quiet hour"
    assert "Завтра &lt;b&gt;собрание&lt;/b&gt; в 18:00 &amp; не опаздывайте" in preview
    assert "МБОУ СОШ № 5</b> · Петрова Марина" in preview
    assert not await _broadcasts(session_factory), "nothing is sent before the confirmation"

    await coordinator.click("Отправить")
    assert "Рассылка отправляется" in coordinator.screen()
    assert "Доставлено 0 из 3" in coordinator.screen()
    rows = await _rows(session_factory)
    assert {r.person_id for r in rows} == {net.student.id, net.parent.id, blocked.id}
    assert {r.priority for r in rows} == {Priority.BULK}
    (broadcast,) = await _broadcasts(session_factory)
    assert {r.broadcast_id for r in rows} == {broadcast.id}
    assert (broadcast.author_id, broadcast.org_id, broadcast.audience, broadcast.recipients) == (
        net.coordinator.id,
        net.home.id,
        "student,parent",
        3,
    )

    await drain(deliverer, session_factory)
    for family in (101, 102):
        assert any("Завтра &lt;b&gt;собрание" in m.text for m in telegram.messages(family))
    for outsider in (201, 202, 203, 301, ADMIN):
        assert not any("собрание" in m.text for m in telegram.messages(outsider))

    clock.advance(timedelta(seconds=3))
    updater = progress_updater(session_factory, bot, translator, clock)
    assert await updater.tick() == 1
    final = coordinator.screen()
    assert "Рассылка завершена" in final
    assert "Доставлено 2 из 3, не доставлено 1" in final
    clock.advance(timedelta(seconds=30))
    assert await updater.tick() == 0, "a finished broadcast is not edited again"
    async with session_factory() as s:
        audit = await s.scalar(select(AuditRecord).where(AuditRecord.action == "broadcast.sent"))
        assert audit is not None
        assert audit.details["recipients"] == 3


async def test_progress_is_edited_in_place_as_delivery_goes_at_most_every_three_seconds(
    session, session_factory, client_factory, deliverer, telegram, bot, translator, clock
):
    net, _ = await _network(session, telegram, unreachable_student=False)
    for n in range(12):
        await factories.person(
            session, f"Ученик {n}", Role.STUDENT, net.home.id, grade=8, telegram_id=1000 + n
        )
        telegram.known_chats.add(1000 + n)
    await session.commit()
    telegram.blocked.add(1003)  # blocks the bot after the preview: a 403 at delivery
    admin = client_factory(ADMIN)
    await _write(admin, "Ученикам", "Олимпиада переносится на четверг.")
    assert "Получат <b>14</b> человек" in admin.screen()
    await admin.click("Отправить")
    progress_id = telegram.last(ADMIN).message_id
    updater = progress_updater(session_factory, bot, translator, clock)

    await deliverer.deliver_due()  # one batch: ten rows, one of them refused with 403
    assert await updater.tick() == 0, "within three seconds of the last edit"
    clock.advance(timedelta(seconds=3))
    assert await updater.tick() == 1
    message = telegram.chats[ADMIN][progress_id]
    assert "Доставлено 9 из 14, не доставлено 1" in message.text
    assert "Рассылка отправляется" in message.text
    clock.advance(timedelta(seconds=3))
    assert await updater.tick() == 0, "nothing changed, nothing edited"

    await drain(deliverer, session_factory)
    clock.advance(timedelta(seconds=3))
    assert await updater.tick() == 1
    assert message.edits == 3  # sent → 9 of 14 → done, in the same message
    assert "Рассылка завершена" in message.text
    assert "Доставлено 13 из 14, не доставлено 1" in message.text
    async with session_factory() as s:
        refused = await s.scalar(select(Account).where(Account.chat_id == 1003))
        assert refused.unreachable_since is not None


async def test_cancel_sends_nothing_and_edit_changes_the_text(
    session, session_factory, client_factory
):
    await _network(session)
    coordinator = client_factory(103)
    await _write(coordinator, "Родителям", "Первый вариант")
    await coordinator.click("Отмена")
    assert "Рассылка отменена" in coordinator.screen()
    assert not await _broadcasts(session_factory)
    assert not await _rows(session_factory)

    await _write(coordinator, "Родителям", "Первый вариант")
    await coordinator.click("Изменить текст")
    await coordinator.send("Второй вариант")
    assert "Второй вариант" in coordinator.screen()
    await coordinator.click("Отправить")
    rows = await _rows(session_factory)
    assert [r.params["text"] for r in rows] == ["Второй вариант"]


async def test_double_tap_on_send_sends_once(session, session_factory, client_factory, telegram):
    await _network(session)
    coordinator = client_factory(103)
    await _write(coordinator, "Ученикам", "Один раз")
    preview = telegram.last(103)
    _, send_data = coordinator.find_button("Отправить")
    await coordinator.press(send_data, preview.message_id)
    answer = await coordinator.press(send_data, preview.message_id)
    assert answer
    assert "уже отправлена" in answer
    assert len(await _broadcasts(session_factory)) == 1
    assert len(await _rows(session_factory)) == 2  # the two students, once each


async def test_an_older_preview_is_stale_after_the_text_changes(
    session, session_factory, client_factory, telegram
):
    await _network(session)
    coordinator = client_factory(103)
    await _write(coordinator, "Ученикам", "Старый текст")
    old = telegram.last(103)
    _, old_send = coordinator.find_button("Отправить")
    await coordinator.send("Новый текст")  # typed again instead of pressing a button
    answer = await coordinator.press(old_send, old.message_id)
    assert answer
    assert "устарела" in answer
    assert not await _broadcasts(session_factory)
    await coordinator.click("Отправить")
    assert [r.params["text"] for r in await _rows(session_factory)] == ["Новый текст"] * 2


async def test_forged_audiences_and_other_roles_are_refused(
    session, session_factory, client_factory
):
    net, _ = await _network(session)
    coordinator = client_factory(103)
    answer = await coordinator.press(BcWho(org=net.other.id, who="sp").pack(), 1)
    assert answer
    assert "только ученикам и родителям своей организации" in answer
    answer = await coordinator.press(BcWho(org=net.home.id, who="t").pack(), 1)
    assert answer
    assert "только ученикам и родителям своей организации" in answer
    answer = await coordinator.press(BcWho(org=0, who="s").pack(), 1)
    assert answer
    assert "только ученикам и родителям своей организации" in answer
    await coordinator.send("Текст, который никуда не уйдёт")
    assert "Сейчас я не жду сообщения" in coordinator.replies(), "no draft was started"

    student, teacher = client_factory(101), client_factory(301)
    await student.send("/broadcast")
    assert "только координаторам и администратору" in student.screen()
    answer = await teacher.press(BcWho(org=0, who="s").pack(), 1)
    assert answer
    assert "только координаторам и администратору" in answer
    answer = await teacher.press(BcWho(org=net.provider.id, who="sptc").pack(), 1)
    assert answer
    assert "только координаторам и администратору" in answer
    assert not await _broadcasts(session_factory)
    assert not await _rows(session_factory)


async def test_admin_writes_to_everyone_of_one_organisation(
    session, session_factory, client_factory
):
    net, blocked = await _network(session)
    admin = client_factory(ADMIN)
    await admin.send("/broadcast")
    await admin.click("Одной организации")
    await admin.click("МБОУ СОШ № 5")
    await admin.click("Всем")
    await admin.send("Завтра школа закрыта на карантин.")
    assert "Получат <b>4</b> человека" in admin.screen()  # 2 students, 1 parent, 1 coordinator
    assert "Методический центр сети</b> · Григорьева Наталья" in admin.screen()
    await admin.click("Отправить")
    assert {r.person_id for r in await _rows(session_factory)} == {
        net.student.id,
        net.parent.id,
        net.coordinator.id,
        blocked.id,
    }


async def test_bulk_goes_after_urgent_and_normal(session, session_factory, deliverer, telegram):
    net, _ = await _network(session, telegram, unreachable_student=False)
    admin = await session.scalar(select(Person).where(Person.full_name == "Григорьева Наталья"))
    admin_actor = await net.actor(session, admin)
    await broadcasts.send(
        session,
        admin_actor,
        Audience(None, frozenset({Role.STUDENT, Role.PARENT, Role.COORDINATOR})),
        "Общая рассылка",
        token="t1",
        now=START,
    )
    later = START  # queued after the broadcast, due at the same moment
    await outbox.notify(
        session,
        person_id=net.teacher.id,
        kind="notify-group-message",
        dedupe_key="urgent-1",
        now=later,
        params={"author": "—", "course": "К", "group": "G", "text": "Срочно"},
        priority=Priority.URGENT,
    )
    await outbox.notify(
        session,
        person_id=net.other_parent.id,
        kind="notify-group-message",
        dedupe_key="normal-1",
        now=later,
        params={"author": "—", "course": "К", "group": "G", "text": "Обычное"},
    )
    await session.commit()
    await drain(deliverer, session_factory)
    sent = [c.text for c in telegram.calls if type(c).__name__ == "SendMessage"]
    assert "Срочно" in sent[0]
    assert "Обычное" in sent[1]
    assert all("Общая рассылка" in t for t in sent[2:])
    assert len(sent) == 2 + 6


async def test_quiet_hours_of_an_organisation_hold_the_broadcast_for_its_people(
    session, session_factory, client_factory, deliverer, telegram, bot, translator, clock
):
    """09:00 in Moscow: the home school keeps quiet until 10:00, the other school does not."""
    net, _ = await _network(session, telegram, unreachable_student=False)
    net.home.quiet_start, net.home.quiet_end = time(8, 0), time(10, 0)
    await session.commit()
    admin = client_factory(ADMIN)
    await _write(admin, "Ученикам", "Каникулы начинаются в пятницу.")
    await admin.click("Отправить")
    await drain(deliverer, session_factory)
    assert any("Каникулы" in m.text for m in telegram.messages(201))
    assert not any("Каникулы" in m.text for m in telegram.messages(101)), "held until 10:00"
    clock.advance(timedelta(seconds=3))
    updater = progress_updater(session_factory, bot, translator, clock)
    await updater.tick()
    assert "Доставлено 1 из 2, не доставлено 0" in admin.screen()
    assert "отправляется" in admin.screen()

    clock.advance(timedelta(hours=1))
    await drain(deliverer, session_factory)
    assert any("Каникулы" in m.text for m in telegram.messages(101))
    await updater.tick()
    assert "Рассылка завершена" in admin.screen()


# --- the service alone ------------------------------------------------------------------------


async def test_recipients_leave_out_deleted_people_withdrawn_consent_and_the_author(session):
    net, _ = await _network(session, unreachable_student=False)
    withdrawn = await factories.person(
        session, "Лебедева Ирина", Role.STUDENT, net.home.id, grade=9
    )
    mother = await factories.person(session, "Белова Анна", Role.PARENT)
    await factories.link(session, mother, withdrawn)
    consent = await session.scalar(select(DataConsent).where(DataConsent.child_id == withdrawn.id))
    consent.withdrawn_at = START
    deleted = await factories.person(session, "Временное Имя", Role.STUDENT, net.home.id, grade=9)
    deleted.full_name = ""
    await session.flush()
    coordinator = await net.actor(session, net.coordinator)
    audience = Audience(net.home.id, frozenset({Role.STUDENT, Role.PARENT, Role.COORDINATOR}))
    ids = await broadcasts.recipient_ids(session, audience, net.coordinator.id)
    assert sorted(ids) == sorted([net.student.id, net.parent.id])
    found = await broadcasts.preview(
        session,
        coordinator,
        Audience(net.home.id, frozenset({Role.STUDENT})),
        START,
        ZoneInfo("Europe/Moscow"),
        (time(21, 0), time(8, 0)),
    )
    assert (found.recipients, found.unreachable.total, found.held_until) == (1, 0, None)


async def test_a_preview_tells_apart_who_blocked_the_bot_and_who_never_started_it_and_waits(
    session, telegram, clock
):
    """An imported student has no messenger account yet: not "blocked". At 23:00 the
    preview says when the broadcast will start going out."""
    net, _blocked = await _network(session, telegram)
    await factories.person(session, "Новикова Ира", Role.STUDENT, net.home.id, grade=9)
    coordinator = await net.actor(session, net.coordinator)
    students = Audience(net.home.id, frozenset({Role.STUDENT}))
    night = clock.now().replace(hour=20)  # 23:00 in Moscow
    found = await broadcasts.preview(
        session, coordinator, students, night, ZoneInfo("Europe/Moscow"), (time(21), time(8))
    )
    assert (found.unreachable.blocked, found.unreachable.never_started) == (1, 1)
    assert found.held_until is not None
    assert found.held_until.astimezone(ZoneInfo("Europe/Moscow")).hour == 8


@pytest.mark.parametrize("bad", ["", "x", "ss", "sa"])
def test_audience_codes_refuse_what_no_button_makes(bad: str) -> None:
    assert Audience.parse(0, "sp") == Audience(None, frozenset({Role.STUDENT, Role.PARENT}))
    assert Audience(5, frozenset({Role.PARENT, Role.STUDENT})).code == "sp"
    with pytest.raises(Invalid):
        Audience.parse(1, bad)


async def test_an_over_long_text_is_refused_and_the_question_stands(
    session, session_factory, client_factory
):
    await _network(session)
    coordinator = client_factory(103)
    await _write(coordinator, "Ученикам", "слово " * 600)
    assert "Слишком длинно" in coordinator.screen()
    assert "Отправить" not in coordinator.screen()
    await coordinator.send("Короткий текст")
    assert "Предпросмотр рассылки" in coordinator.screen()
    assert not await _broadcasts(session_factory)


async def test_a_progress_message_that_is_gone_stops_being_updated(
    session, session_factory, client_factory, deliverer, telegram, bot, translator, clock
):
    await _network(session, telegram)
    coordinator = client_factory(103)
    await _write(coordinator, "Ученикам", "Текст")
    await coordinator.click("Отправить")
    telegram.chats[103].pop(telegram.last(103).message_id)  # deleted by the author
    await drain(deliverer, session_factory)
    clock.advance(timedelta(seconds=3))
    updater = progress_updater(session_factory, bot, translator, clock)
    assert await updater.tick() == 0
    (broadcast,) = await _broadcasts(session_factory)
    assert broadcast.finished_at is not None
    clock.advance(timedelta(seconds=3))
    edits = sum(type(c).__name__ == "EditMessageText" for c in telegram.calls)
    await updater.tick()
    assert sum(type(c).__name__ == "EditMessageText" for c in telegram.calls) == edits


async def test_a_progress_edit_the_message_already_shows_counts_as_shown(
    session, session_factory, client_factory, deliverer, telegram, bot, translator, clock
):
    """Telegram refuses an edit to the same text ("message is not modified"): the message shows
    the counts all the same, so they are recorded and the broadcast is still followed."""
    net, _ = await _network(session, telegram, unreachable_student=False)
    for n in range(12):
        await factories.person(
            session, f"Ученик {n}", Role.STUDENT, net.home.id, grade=8, telegram_id=1000 + n
        )
        telegram.known_chats.add(1000 + n)
    await session.commit()
    admin = client_factory(ADMIN)
    await _write(admin, "Ученикам", "Олимпиада переносится на четверг.")
    await admin.click("Отправить")
    message = telegram.chats[ADMIN][telegram.last(ADMIN).message_id]
    updater = progress_updater(session_factory, bot, translator, clock)
    await deliverer.deliver_due()
    clock.advance(timedelta(seconds=3))
    assert await updater.tick() == 1
    shown = message.text
    async with session_factory() as s:
        (broadcast,) = (await s.scalars(select(Broadcast))).all()
        broadcast.progress_shown = ""  # as if the last edit was not recorded
        await s.commit()

    clock.advance(timedelta(seconds=3))
    assert await updater.tick() == 1, "the same counts, refused as not modified, count as shown"
    assert message.text == shown
    (broadcast,) = await _broadcasts(session_factory)
    assert broadcast.progress_shown
    assert broadcast.finished_at is None, "still followed"
    await drain(deliverer, session_factory)
    clock.advance(timedelta(seconds=3))
    assert await updater.tick() == 1
    assert "Рассылка завершена" in message.text


def test_the_progress_job_runs_every_three_seconds() -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.delivery import broadcast_progress

    scheduler = AsyncIOScheduler(timezone="Europe/Moscow")

    class Updater:
        async def tick(self) -> int:
            return 0

    broadcast_progress.schedule(scheduler, Updater())  # type: ignore[arg-type]
    (job,) = scheduler.get_jobs()
    assert job.trigger.interval == timedelta(seconds=3)
    assert (job.coalesce, job.max_instances) == (True, 1)


async def test_the_audiences_organisation_is_loaded_by_the_service(session):
    """The screens name the audience's organisation through broadcasts.audience_org, which
    refuses one that is gone as `check` does."""
    from services.errors import NotFound

    net = await factories.network(session)
    assert await broadcasts.audience_org(session, Audience(None, frozenset({Role.TEACHER}))) is None
    found = await broadcasts.audience_org(session, Audience(net.home.id, frozenset({Role.STUDENT})))
    assert found is not None
    assert found.id == net.home.id
    gone = Audience(net.home.id + 100, frozenset({Role.STUDENT}))
    with pytest.raises(NotFound):
        await broadcasts.audience_org(session, gone)
    admin = await factories.person(session, "Администратор", Role.ADMIN)
    with pytest.raises(NotFound):
        await broadcasts.check(session, await net.actor(session, admin), gone)
