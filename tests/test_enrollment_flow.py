"""The whole loop in chat: student applies → parent confirms → coordinator approves."""

from __future__ import annotations

from sqlalchemy import select

from models import Application, Notification
from models.enums import ApplicationState, NotificationState
from tests import factories


async def test_full_loop_in_chat(session, session_factory, client_factory, deliverer, telegram):
    await factories.network(session)
    await session.commit()
    student = client_factory(101)
    parent = client_factory(102)
    coordinator = client_factory(103)

    await student.send("/catalogue")
    assert "Олимпиадная математика" in student.screen()
    await student.click("Олимпиадная математика")
    assert "Группа G-" in student.screen()
    assert "записано 0 из 10 для запуска" in student.screen()
    await student.click("Записаться")
    await student.click("Да, подать")
    assert "Заявление отправлено" in student.screen()

    assert await deliverer.deliver_due() == 1
    assert "подал заявление" in parent.screen()

    await parent.send("/children")
    await parent.click("Олимпиадная математика")
    assert "согласие" in parent.screen()
    await parent.click("Подтвердить")
    assert "согласие записано" in parent.screen()

    await deliverer.deliver_due()
    assert "Родитель подтвердил" in student.screen()
    assert "Новое заявление" in coordinator.screen()

    await coordinator.send("/review")
    await coordinator.click("Соколов Артём")
    await coordinator.click("Одобрить")
    assert "ученик зачислен" in coordinator.screen()

    await deliverer.deliver_due()
    assert "Вы зачислены на курс" in student.screen()
    assert "Соколов Артём зачислен на курс" in parent.screen()

    async with session_factory() as check:
        app = await check.scalar(select(Application))
        assert app.state == ApplicationState.ENROLLED
        pending = await check.scalars(
            select(Notification).where(Notification.state != NotificationState.SENT)
        )
        assert pending.all() == []
