"""Screens say plainly what they show: a full group reads as full and ready, the
coordinator's menu has the day's and the week's lessons, /network names what it counts,
button labels show names as they are written."""

from __future__ import annotations

from sqlalchemy import select, update

from models import Organisation
from models.enums import Role
from tests import factories

ADMIN = 900


async def test_a_full_group_that_reached_its_minimum_reads_as_ready(session, client_factory):
    net = await factories.network(session, capacity=2, min_size=2)
    await factories.enrolled(session, net.group, net.other_student)
    extra = await factories.person(
        session, "Орлова Вера", Role.STUDENT, net.other.id, grade=8, telegram_id=205
    )
    await factories.enrolled(session, net.group, extra)
    await session.commit()
    student = client_factory(101)
    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    screen = student.screen()
    assert "Мест нет (лист ожидания) · группа набрана" in screen
    assert "из 2 для запуска" not in screen


async def test_the_coordinators_menu_has_today_and_the_week(session, client_factory):
    await factories.network(session)
    await session.commit()
    coordinator = client_factory(103)
    await coordinator.send("/menu")
    assert "[📅 Сегодня]" in coordinator.screen()
    await coordinator.click("Сегодня")
    assert "<b>Сегодня, пн, 23 ноября</b>" in coordinator.screen()


async def test_network_overview_names_what_it_counts(session, client_factory):
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)
    await factories.person(session, "Григорьева Наталья", Role.ADMIN, telegram_id=ADMIN)
    await session.commit()
    admin = client_factory(ADMIN)
    await admin.send("/network")
    screen = admin.screen()
    # The art school teaches two schools' students; each school has one student in a course.
    assert "Предлагает сети курсов: 1 · на её курсах учеников других школ: 2" in screen
    assert "Её учеников в боте: 1, из них на сетевых курсах: 1" in screen


async def test_button_labels_show_names_as_written(session, client_factory):
    """Labels are plain text: «Иванов & сын» is not shown as «Иванов &amp; сын»."""
    net = await factories.network(session)
    await session.execute(
        update(Organisation)
        .where(Organisation.id == net.provider.id)
        .values(short_name="ДШИ <Арт> & сын")
    )
    await session.commit()
    student = client_factory(101)
    await student.send("/catalogue")
    labels = [label for label, _ in student.telegram.last(101).buttons()]
    assert "Олимпиадная математика · ДШИ <Арт> & сын" in labels
    assert not any("&amp;" in label or "&lt;" in label for label in labels)


async def test_a_parents_link_opens_the_bot_on_every_messenger_it_serves(
    session, client_factory, dp
):
    """A student on Telegram passes the link to a parent who uses MAX: both links are there,
    the reader's own messenger first."""
    await factories.network(session)
    await session.commit()
    dp["start_links"].patterns["max"] = "https://max.ru/school_net_bot?start={payload}"
    student = client_factory(101)
    await student.send("/parent")
    screen = student.screen()
    telegram_at = screen.index("Telegram: https://t.me/network_test_bot?start=par-")
    max_at = screen.index("MAX: https://max.ru/school_net_bot?start=par-")
    assert telegram_at < max_at


async def test_the_demo_network_has_a_small_group_for_its_coordinator_to_decide(session):
    """A newcomer sees the minimum-group decision in the sandbox: one demo group starts in
    five days below its minimum, and its art school's coordinator is asked about it."""
    from bot.demo_data import DEMO_COORDINATOR_DSHI_NAME, load_demo_data
    from models import Group, Notification, Person
    from services import groups
    from tests.conftest import START

    await load_demo_data(session, START)
    assert await groups.queue_undersized_warnings(session, START) >= 1
    coordinator = await session.scalar(
        select(Person).where(Person.full_name == DEMO_COORDINATOR_DSHI_NAME)
    )
    asked = (
        await session.scalars(
            select(Notification).where(
                Notification.kind == "notify-group-undersized",
                Notification.person_id == coordinator.id,
            )
        )
    ).all()
    decided = [await session.get(Group, n.link["id"]) for n in asked]
    assert [g.code for g in decided] == ["DANCE-2"]
