"""Wide or destructive actions say what will happen and to how many people, then ask; every
question typed in chat has a way back."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.coordinator import GroupDecision
from models import Application, Group, Notification
from models.enums import ApplicationState, Role
from tests import factories

S = ApplicationState


async def _provider_coordinator_and_small_group(session):
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student, S.WAITLISTED)
    await factories.person(
        session, "Орлов Пётр", Role.COORDINATOR, net.provider.id, telegram_id=401
    )
    await session.commit()
    return net


async def _count(session_factory, model, *where) -> int:
    async with session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_cancelling_a_group_says_what_follows_and_asks(
    session, session_factory, client_factory
):
    net = await _provider_coordinator_and_small_group(session)
    coordinator = client_factory(401)
    await coordinator.send("/start")
    answer = await coordinator.press(GroupDecision(id=net.group.id, run=False).pack())
    screen = coordinator.screen()
    assert answer is None, answer
    assert f"Отменить группу {net.group.code} курса" in screen
    assert "Закроются 2 заявления" in screen, screen
    # Two students, their parents, the teacher and the two home schools' coordinators.
    assert "получат 7 человек" in screen, screen
    assert "[🚫 Да, отменить группу]" in screen
    assert "[▶️ Запустить всё равно]" in screen
    async with session_factory() as s:
        assert (await s.get(Group, net.group.id)).cancelled_at is None, "asked, not done"
    assert await _count(session_factory, Notification) == 0

    await coordinator.click("Да, отменить группу")
    assert "Вы отменили группу" in coordinator.screen()
    async with session_factory() as s:
        assert (await s.get(Group, net.group.id)).cancelled_at is not None
    live = Application.state.in_((S.ENROLLED, S.WAITLISTED))
    assert await _count(session_factory, Application, live) == 0
    async with session_factory() as s:
        told = dict((await s.execute(select(Notification.person_id, Notification.kind))).all())
    staff = {net.teacher.id, net.coordinator.id, net.other_coordinator.id}
    assert {p for p, k in told.items() if k == "notify-group-cancelled-staff"} == staff
    assert {p for p, k in told.items() if k == "notify-group-cancelled"} == {
        net.student.id,
        net.parent.id,
        net.other_student.id,
        net.other_parent.id,
    }
    assert len(told) == 7, "the coordinator who cancelled is not told of it"


async def test_only_the_providers_coordinator_may_cancel_the_group(
    session, session_factory, client_factory
):
    net = await _provider_coordinator_and_small_group(session)
    home_coordinator = client_factory(103)
    await home_coordinator.send("/start")
    for forged in (
        GroupDecision(id=net.group.id, run=False).pack(),
        GroupDecision(id=net.group.id, run=False, sure=True).pack(),
    ):
        answer = await home_coordinator.press(forged)
        assert answer, forged
    async with session_factory() as s:
        assert (await s.get(Group, net.group.id)).cancelled_at is None


async def test_every_typed_question_offers_a_way_back(session, client_factory):
    """A parent asked for a child's code, a person asked for a messenger code: each question
    comes with a button that leaves it, and leaving forgets it."""
    net = await factories.network(session)
    await session.commit()
    parent, student = client_factory(102), client_factory(101)
    await parent.send("/link")
    assert "[✖ Отмена]" in parent.screen()
    await parent.click("Отмена")
    assert "Соколова Елена" in parent.screen(), "back on the parent's menu"
    await parent.send("ABCDEFGH")  # not taken as a code any more
    assert "Сейчас я не жду сообщения" in parent.replies()

    await student.send("/connect")
    assert "[✖ Отмена]" in student.screen()
    await student.click("Отмена")
    await student.send("ZZZZ")
    assert "Сейчас я не жду сообщения" in student.replies()
    assert net.student.full_name in student.screen()
