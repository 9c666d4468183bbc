"""A deletion request destroys personal data but keeps anonymous statistics, logs the act,
and is refused where the law requires keeping records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Account, AttendanceMark, AuditRecord, Base, Lesson, WeeklySlot
from models.enums import ApplicationState, AttendanceStatus
from services import attendance, enrollment, lessons, privacy
from services.errors import Conflict, Forbidden
from tests import factories


async def _everything(session) -> str:
    """Every row of every table, as text."""
    dump = []
    for table in Base.metadata.sorted_tables:
        dump += [repr(tuple(row)) for row in (await session.execute(select(table))).all()]
    return "\n".join(dump)


async def _history(session, clock):
    """A student who attended two lessons, was enrolled and then withdrew; a parent who
    declined another application with a reason of her own."""
    net = await factories.network(session)
    app = await factories.enrolled(session, net.group, net.student)
    slots = list((await session.scalars(select(WeeklySlot))).all())
    await lessons.generate_lessons(session, net.group, slots, "Europe/Moscow")
    past = (await session.scalars(select(Lesson).order_by(Lesson.starts_at))).first()
    teacher = await net.actor(session, net.teacher)
    await attendance.save_attendance(
        session, teacher, past.id, {net.student.id: AttendanceStatus.ABSENT}, clock.now()
    )
    other = await factories.course_with_group(session, net.provider, title="Хоровое пение")
    second = await enrollment.apply(
        session, await net.actor(session, net.student), other.id, clock.now()
    )
    await enrollment.parent_decline(
        session,
        await net.actor(session, net.parent),
        second.id,
        clock.now(),
        "Далеко ездить по вечерам",
    )
    await session.commit()
    return net, app


async def test_deleting_a_childs_data_leaves_no_trace_of_the_name(session, clock):
    net, app = await _history(session, clock)
    parent = await net.actor(session, net.parent)
    child_id, app_id = net.student.id, app.id
    with pytest.raises(Conflict, match="error-delete-enrolled"):
        await privacy.delete_person(session, parent, child_id, clock.now())
    await session.rollback()
    before = await attendance.student_attendance(session, child_id)
    await enrollment.withdraw(session, parent, app_id, clock.now())
    deleted = await privacy.delete_person(session, parent, child_id, clock.now())
    await session.commit()
    assert deleted.scope
    assert "name" in deleted.scope

    dump = await _everything(session)
    assert "Соколов Артём" not in dump
    assert await session.scalar(select(Account).where(Account.user_id == 101)) is None
    # The statistics still add up: the same marks, now of nobody in particular.
    after = await attendance.student_attendance(session, child_id)
    assert [(c.course, dict(c.counts)) for c in after] == [
        (c.course, dict(c.counts)) for c in before
    ]
    assert len((await session.scalars(select(AttendanceMark))).all()) == 1
    act = await session.scalar(select(AuditRecord).where(AuditRecord.action == "data.deleted"))
    assert act.object_id == child_id
    assert act.details["scope"] == deleted.scope
    assert act.details["at"] == clock.now().isoformat()


async def test_a_parent_deleting_their_own_data_takes_their_words_too(session, clock):
    net, _ = await _history(session, clock)
    me = await net.actor(session, net.parent)
    await privacy.delete_person(session, me, net.parent.id, clock.now())
    await session.commit()
    dump = await _everything(session)
    assert "Соколова Елена" not in dump
    assert "Далеко ездить" not in dump
    assert await session.scalar(select(Account).where(Account.user_id == 102)) is None
    assert "Соколов Артём" in dump, "the child's own data is the child's matter"


async def test_deletion_is_refused_for_staff_and_for_other_peoples_children(session, clock):
    net = await factories.network(session)
    await session.commit()
    with pytest.raises(Conflict, match="error-delete-staff"):
        await privacy.delete_person(
            session, await net.actor(session, net.coordinator), net.coordinator.id, clock.now()
        )
    with pytest.raises(Forbidden):
        await privacy.delete_person(
            session, await net.actor(session, net.other_parent), net.student.id, clock.now()
        )


async def test_deletion_in_chat_is_explained_first(session, session_factory, client_factory, clock):
    net = await factories.network(session)
    await session.commit()
    parent = client_factory(102)
    await parent.send("/mydata")
    await parent.click("Удалить данные: Соколов Артём")
    assert "Будут уничтожены" in parent.screen()
    assert "Отменить удаление нельзя" in parent.screen()
    async with session_factory() as s:
        assert "Соколов Артём" in await _everything(s)
    await parent.click("Да, удалить безвозвратно")
    assert "Данные удалены" in parent.screen()
    async with session_factory() as s:
        assert "Соколов Артём" not in await _everything(s)
    clock.advance(timedelta(minutes=1))
    student = client_factory(101)
    await student.send("/start")  # a stranger now: asked for a language, as anyone new
    assert "Выберите язык" in student.screen()
    assert net.student.id  # the anonymous record stays, under its id
    assert ApplicationState.WITHDRAWN
