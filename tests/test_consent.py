"""Personal data of children: a parent's consent as a separate step, its withdrawal, /privacy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Application, AuditRecord, DataConsent
from models.enums import ApplicationState, Role
from services import consent, enrollment
from services.errors import Forbidden
from tests import factories


async def _family_without_consent(session):
    net = await factories.network(session)
    parent = await factories.person(session, "Орлова Вера", Role.PARENT, telegram_id=150)
    child = await factories.person(
        session, "Орлов Кирилл", Role.STUDENT, net.home.id, grade=8, telegram_id=151
    )
    await factories.link(session, parent, child, consent=False)
    await session.commit()
    return net, parent, child


async def test_the_parent_confirms_and_consents_in_one_decision(
    session, session_factory, client_factory
):
    _, parent, child = await _family_without_consent(session)
    student, mother = client_factory(151), client_factory(150)
    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    await student.click("Записаться")
    await student.click("Да, подать")
    await mother.send("/children")
    await mother.click("Олимпиадная математика")
    screen = mother.screen()
    assert "даёте согласие на обработку его персональных данных" in screen
    # What the parent decides on: where, when and with whom.
    assert "<b>Где и когда</b>\nМБУ ДО ДШИ, ул. Выдуманная, 1" in screen
    assert "Место: каб. 21 · педагог: Белова Анна Сергеевна" in screen
    assert "По расписанию: вт 15:00–16:30" in screen
    assert "С 16 ноября 2026 по 1 марта 2027" in screen
    assert "[✅ Подтвердить]\n[🚫 Отклонить]" in screen
    assert "[📄 Текст согласия на обработку данных]" in screen

    # The consent's whole text is one tap away, and back leads to the same decision.
    await mother.click("Текст согласия")
    text = mother.screen()
    assert "Согласие на обработку персональных данных ребёнка" in text
    assert "ребёнка Орлова Кирилла" in text  # declined
    assert "152-ФЗ" in text
    await mother.click("Назад")
    assert "[✅ Подтвердить]" in mother.screen()

    app = await session.scalar(select(Application).where(Application.student_id == child.id))
    await session.commit()  # an open SQLite transaction would hold the write lock
    answer = await mother.press(f"act:{app.id}:confirm")  # forged: confirming without it
    assert answer
    assert "Сначала нужно согласие" in answer
    async with session_factory() as s:
        assert (await s.get(Application, app.id)).state == ApplicationState.AWAITING_PARENT
        no_consent = select(func.count(DataConsent.id)).where(DataConsent.child_id == child.id)
        assert await s.scalar(no_consent) == 0

    await mother.click("Подтвердить")
    assert "Спасибо, согласие записано" in mother.screen()
    async with session_factory() as s:
        given = await s.scalar(select(DataConsent).where(DataConsent.child_id == child.id))
        assert (given.parent_id, given.version, given.withdrawn_at) == (
            parent.id,
            consent.DATA_CONSENT_VERSION,
            None,
        )
        assert (
            await s.scalar(
                select(func.count(AuditRecord.id)).where(AuditRecord.action == "consent.given")
            )
            == 1
        )
        assert (await s.get(Application, app.id)).state == ApplicationState.AWAITING_SCHOOL


async def test_withdrawing_consent_explains_then_stops_processing(
    session, session_factory, client_factory, clock
):
    net = await factories.network(session, capacity=1)
    await factories.enrolled(session, net.group, net.student)
    waiting = await factories.enrolled(
        session, net.group, net.other_student, ApplicationState.WAITLISTED
    )
    await session.commit()
    parent = client_factory(102)
    await parent.send("/consent")
    assert "Соколов Артём: согласие дано" in parent.screen()
    await parent.click("Отозвать согласие")
    assert "Что произойдёт" in parent.screen()
    async with session_factory() as s:
        assert (
            await s.scalar(
                select(func.count(DataConsent.id)).where(DataConsent.withdrawn_at.is_not(None))
            )
            == 0
        ), "nothing happens before confirming"
    await parent.click("Да, отозвать согласие")
    assert "Согласие отозвано; 1 заявление отозвано" in parent.screen()
    async with session_factory() as s:
        states = {a.student_id: a.state for a in (await s.scalars(select(Application))).all()}
        assert states[net.student.id] == ApplicationState.WITHDRAWN
        assert (await s.get(Application, waiting.id)).state == ApplicationState.ENROLLED
    student = await net.actor(session, net.student)
    parent_actor = await net.actor(session, net.parent)
    other = await factories.course_with_group(session, net.provider, title="Хоровое пение")
    other_id = other.id
    await session.commit()
    with pytest.raises(Forbidden, match="error-consent-withdrawn"):
        await enrollment.check_apply(session, student, other_id, clock.now())
    await consent.give(session, parent_actor, student.person_id, clock.now())
    assert (await enrollment.check_apply(session, student, other_id, clock.now())).course


async def test_nobody_consents_or_withdraws_for_someone_elses_child(session, client_factory):
    net, _, child = await _family_without_consent(session)
    stranger = client_factory(202)  # a parent of another family
    await stranger.send("/menu")
    answer = await stranger.press(f"cgive:{child.id}:0")
    assert answer
    assert "своих привязанных детей" in answer
    answer = await stranger.press(f"cwd:{net.student.id}:1")
    assert answer
    assert "своих привязанных детей" in answer
    assert (
        await session.scalar(
            select(func.count(DataConsent.id)).where(DataConsent.child_id == child.id)
        )
        == 0
    )


async def test_privacy_explains_in_both_languages(session, client_factory):
    await factories.network(session)
    await session.commit()
    student = client_factory(101)
    await student.send("/privacy")
    assert "Какие данные хранит бот" in student.screen()
    assert "Телефон и адрес бот не спрашивает" in student.screen()
    english = client_factory(999, language_code="en")
    await english.send("/start")
    await english.click("English")
    await english.send("/privacy")
    assert "What the bot keeps" in english.screen()


async def test_a_person_and_a_parent_get_the_data_as_a_file(
    session, session_factory, client_factory
):
    import json

    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)
    await session.commit()
    student = client_factory(101)
    await student.send("/mydata")
    await student.click("Мои данные")
    document = student.telegram.last(101).document
    assert document is not None
    assert document[0] == "personal-data.json"
    data = json.loads(document[1])
    assert data["person"]["name"] == "Соколов Артём"
    assert data["person"]["school"] == "МБОУ СОШ № 5"
    assert data["person"]["grade"] == 8
    assert data["applications"][0]["state"] == "enrolled"
    assert data["applications"][0]["history"][0]["state"] == "enrolled"
    assert data["parents"] == ["Соколова Елена"]
    assert data["consents"][0]["version"] == "2026-11"
    assert data["accounts"] == [
        {"messenger": "telegram", "user_id": 101, "since": data["accounts"][0]["since"]}
    ]

    parent = client_factory(102)
    await parent.send("/mydata")
    await parent.click("Данные: Соколов Артём")
    child = json.loads(parent.telegram.last(102).document[1])
    assert child["person"]["name"] == "Соколов Артём"
    stranger = client_factory(202)
    await stranger.send("/mydata")
    answer = await stranger.press(f"myd:{net.student.id}")
    assert answer
    assert "своих привязанных детей" in answer
    async with session_factory() as s:
        exported = (
            await s.scalars(
                select(AuditRecord.object_id).where(AuditRecord.action == "data.exported")
            )
        ).all()
    assert sorted(exported) == [net.student.id, net.student.id]


async def test_the_admin_reads_the_action_log(session, client_factory, clock):
    net = await factories.network(session)
    await factories.person(session, "Лебедева Ирина", Role.ADMIN, telegram_id=900)
    app = await factories.enrolled(
        session, net.group, net.student, ApplicationState.AWAITING_SCHOOL
    )
    await enrollment.school_approve(
        session, await net.actor(session, net.coordinator), app.id, clock.now()
    )
    await session.commit()
    admin = client_factory(900)
    await admin.send("/audit")
    assert "Петрова Марина: заявление одобрено (заявление №" in admin.screen()
    coordinator = client_factory(103)
    await coordinator.send("/audit")
    assert "только администратору сети" in coordinator.screen()


async def test_students_see_of_other_students_only_a_count(session, client_factory):
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.other_student)
    await session.commit()
    student = client_factory(101)
    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    screen = student.screen()
    assert "записано 1 из 10 для запуска" in screen
    assert "Морозова Полина" not in screen
    await student.send("/applications")
    await student.send("/schedule")
    assert all("Морозова Полина" not in text for text in student.texts())
    # Nor can the student open another student's application by forging its id.
    other_app = (await session.scalars(select(Application))).first()
    await session.commit()  # an open SQLite transaction would hold the write lock
    answer = await student.press(f"app:{other_app.id}")
    assert answer
    assert "Не найдено" in answer
