"""Agreements between organisations: a guest student is admitted only under one, extending
keeps its courses, both parties are reminded before it ends and it expires, a coordinator acts
only for their own organisation, the annex lists exactly its students, the admin is asked once.

The factory network (tests/factories.py) has agreements by default; these tests build it
without them (`agreements=False`) where the rule is what they look at.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from handlers.agreements import Agr, AgrAction
from handlers.application_card import AppAct, AppAction, AppOpen
from models import (
    Agreement,
    AgreementCourse,
    AgreementEvent,
    Application,
    ApplicationEvent,
    AuditRecord,
    Course,
    Notification,
)
from models.enums import AgreementEventKind, AgreementState, ApplicationState, Role
from services import agreements, enrollment
from services.errors import Conflict, Forbidden, Invalid, NotFound
from tests import factories
from tests.conftest import START

S = ApplicationState
A = AgreementState


async def _count(session, model, *where) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _awaiting_school(session, net, student=None):
    return await factories.enrolled(session, net.group, student or net.student, S.AWAITING_SCHOOL)


async def _admin(session, telegram_id: int = 501):
    return await factories.person(session, "Лебедева Ирина", Role.ADMIN, telegram_id=telegram_id)


# --- the enrollment gate ---------------------------------------------------------------------


async def test_a_guest_is_not_approved_without_an_agreement_and_nothing_changes(
    session, clock
) -> None:
    net = await factories.network(session, agreements=False)
    app = await _awaiting_school(session, net)
    coordinator = await net.actor(session, net.coordinator)
    events_before = await _count(session, ApplicationEvent)

    with pytest.raises(Forbidden) as refused:
        await enrollment.school_approve(session, coordinator, app.id, clock.now())
    assert refused.value.key == "error-no-agreement"
    assert refused.value.params["home"] == net.home.short_name
    assert refused.value.params["provider"] == net.provider.short_name
    await session.refresh(app)
    assert app.state == S.AWAITING_SCHOOL
    assert await _count(session, ApplicationEvent) == events_before
    assert await _count(session, Notification) == 0
    assert await _count(session, AuditRecord) == 0


async def test_a_draft_or_another_pairs_agreement_does_not_admit(session, clock) -> None:
    net = await factories.network(session, agreements=False)
    app = await _awaiting_school(session, net)
    coordinator = await net.actor(session, net.coordinator)
    course = await session.get(Course, net.group.course_id)
    await factories.agreement(session, net.home, net.provider, courses=[course], state=A.DRAFT)
    await factories.agreement(session, net.other, net.provider, courses=[course])
    with pytest.raises(Forbidden):
        await enrollment.school_approve(session, coordinator, app.id, clock.now())
    # One that ended before the group starts does not either.
    await factories.agreement(
        session, net.home, net.provider, courses=[course], ends_on=date(2026, 11, 1)
    )
    with pytest.raises(Forbidden):
        await enrollment.school_approve(session, coordinator, app.id, clock.now())


async def test_a_guest_is_approved_under_an_agreement_made_in_the_service(session, clock) -> None:
    net = await factories.network(session, agreements=False)
    app = await _awaiting_school(session, net)
    admin = await net.actor(session, await _admin(session))
    coordinator = await net.actor(session, net.coordinator)
    made = await agreements.create(
        session,
        admin,
        home_org_id=net.home.id,
        provider_org_id=net.provider.id,
        number="12/С",
        signed_on=date(2026, 9, 1),
        course_ids=[],
        now=clock.now(),
    )
    assert made.state == A.DRAFT
    assert (made.starts_on, made.ends_on) == (date(2026, 9, 1), date(2027, 8, 31))
    with pytest.raises(Conflict):  # nothing to approve under yet: a draft
        await agreements.extend(session, admin, made.id, clock.now())
    with pytest.raises(Invalid) as empty:
        await agreements.activate(session, admin, made.id, clock.now())
    assert empty.value.key == "error-agreement-no-courses"
    await agreements.set_course(session, admin, made.id, net.group.course_id, True, clock.now())
    await agreements.activate(session, admin, made.id, clock.now())
    assert await agreements.covers(session, net.home.id, net.group.course_id, date(2026, 12, 1))

    approved = await enrollment.school_approve(session, coordinator, app.id, clock.now())
    assert approved.state == S.ENROLLED
    kinds = [h.event.kind for h in (await agreements.card(session, admin, made.id)).history]
    assert kinds == [
        AgreementEventKind.CREATED,
        AgreementEventKind.COURSE_ADDED,
        AgreementEventKind.ACTIVATED,
    ]
    with pytest.raises(Conflict):  # a signed agreement's courses stay
        await agreements.set_course(
            session, admin, made.id, net.group.course_id, False, clock.now()
        )


async def test_a_student_of_the_provider_needs_no_agreement(session, clock) -> None:
    net = await factories.network(session, agreements=False)
    own = await factories.person(
        session, "Зайцева Вера", Role.STUDENT, net.provider.id, grade=8, telegram_id=601
    )
    provider_coordinator = await factories.person(
        session, "Орлов Пётр", Role.COORDINATOR, net.provider.id, telegram_id=401
    )
    app = await _awaiting_school(session, net, own)
    coordinator = await net.actor(session, provider_coordinator)
    approved = await enrollment.school_approve(session, coordinator, app.id, clock.now())
    assert approved.state == S.ENROLLED


async def test_the_factory_network_admits_guests_by_default(session, clock) -> None:
    net = await factories.network(session)
    app = await _awaiting_school(session, net)
    coordinator = await net.actor(session, net.coordinator)
    assert (await enrollment.school_approve(session, coordinator, app.id, clock.now())).state == (
        S.ENROLLED
    )


# --- extending, reminders, expiry -------------------------------------------------------------


async def test_extending_moves_the_term_and_keeps_the_courses(session, clock) -> None:
    net = await factories.network(session)
    admin = await net.actor(session, await _admin(session))
    made = await session.scalar(
        select(Agreement).where(
            Agreement.home_org_id == net.home.id, Agreement.provider_org_id == net.provider.id
        )
    )
    before = {c.id for c in await agreements.covered_courses(session, made.id)}
    assert before
    number, signed = made.number, made.signed_on

    await agreements.extend(session, admin, made.id, clock.now())
    await session.refresh(made)
    assert made.ends_on == date(2028, 8, 31)
    assert (made.number, made.signed_on, made.state) == (number, signed, A.ACTIVE)
    assert {c.id for c in await agreements.covered_courses(session, made.id)} == before
    event = await session.scalar(
        select(AgreementEvent).where(AgreementEvent.kind == AgreementEventKind.EXTENDED)
    )
    assert event.details == {"old_end": "2027-08-31", "new_end": "2028-08-31"}
    # Both parties' coordinators are told (the admin made the change).
    told = await session.scalars(
        select(Notification.person_id).where(Notification.kind == "notify-agreement-extended")
    )
    assert set(told.all()) == {net.coordinator.id}  # the provider has no coordinator here


async def test_both_parties_are_reminded_30_and_7_days_before_each_once_then_it_expires(
    session, clock
) -> None:
    net = await factories.network(session, agreements=False)
    provider_coordinator = await factories.person(
        session, "Орлов Пётр", Role.COORDINATOR, net.provider.id, telegram_id=401
    )
    course = await session.get(Course, net.group.course_id)
    ends = (START + timedelta(days=40)).date()
    made = await factories.agreement(
        session, net.home, net.provider, courses=[course], ends_on=ends
    )

    async def tick() -> tuple[int, int]:
        return await agreements.process_agreement_deadlines(session, clock.now())

    assert await tick() == (0, 0)
    clock.advance(timedelta(days=9))  # 31 days left
    assert await tick() == (0, 0)
    clock.advance(timedelta(days=1))  # 30 days left
    assert await tick() == (2, 0)
    assert await tick() == (0, 0)
    clock.advance(timedelta(days=5))
    assert await tick() == (0, 0)
    clock.advance(timedelta(days=18))  # 7 days left
    assert await tick() == (2, 0)
    clock.advance(timedelta(days=3))
    assert await tick() == (0, 0)
    rows = (
        await session.execute(
            select(Notification.person_id, Notification.params).where(
                Notification.kind == "notify-agreement-ending"
            )
        )
    ).all()
    assert sorted((p, params["days"]) for p, params in rows) == sorted(
        [
            (net.coordinator.id, 30),
            (provider_coordinator.id, 30),
            (net.coordinator.id, 7),
            (provider_coordinator.id, 7),
        ]
    )
    clock.advance(timedelta(days=4))  # the last day
    assert await tick() == (0, 0)
    await session.refresh(made)
    assert made.state == A.ACTIVE
    clock.advance(timedelta(days=1))  # the day after
    assert await tick() == (0, 1)
    await session.refresh(made)
    assert made.state == A.EXPIRED
    assert await tick() == (0, 0)
    assert await agreements.covers(session, net.home.id, course.id, ends) is None


async def test_the_scheduler_tick_runs_the_agreement_deadlines(
    session, session_factory, settings, clock
) -> None:
    from bot.scheduler import Jobs

    net = await factories.network(session, agreements=False)
    course = await session.get(Course, net.group.course_id)
    await factories.agreement(
        session,
        net.home,
        net.provider,
        courses=[course],
        ends_on=(START + timedelta(days=5)).date(),
    )
    await session.commit()
    assert await Jobs(session_factory, settings, clock).tick() == []
    async with session_factory() as s:
        assert await _count(s, Notification, Notification.kind == "notify-agreement-ending") == 1


# --- who may ------------------------------------------------------------------------------------


async def test_a_coordinator_cannot_make_an_agreement_of_two_other_organisations(
    session, clock
) -> None:
    net = await factories.network(session, agreements=False)
    other = await net.actor(session, net.other_coordinator)
    with pytest.raises(Forbidden):
        await agreements.create(
            session,
            other,
            home_org_id=net.home.id,
            provider_org_id=net.provider.id,
            number="1",
            signed_on=date(2026, 9, 1),
            course_ids=[],
            now=clock.now(),
        )
    assert await _count(session, Agreement) == 0
    own = await agreements.create(
        session,
        other,
        home_org_id=net.other.id,
        provider_org_id=net.provider.id,
        number="1",
        signed_on=date(2026, 9, 1),
        course_ids=[net.group.course_id],
        now=clock.now(),
    )
    assert own.state == A.DRAFT
    other_course = await factories.course_with_group(session, net.home, title="Шахматы")
    with pytest.raises(Invalid) as wrong:
        await agreements.set_course(
            session, other, own.id, other_course.course_id, True, clock.now()
        )
    assert wrong.value.key == "error-agreement-course-not-provider"
    stranger = await net.actor(session, net.coordinator)
    with pytest.raises(NotFound):
        await agreements.activate(session, stranger, own.id, clock.now())


async def test_forged_buttons_of_another_pairs_agreement_change_nothing(
    session, session_factory, client_factory
) -> None:
    net = await factories.network(session)
    made = await session.scalar(
        select(Agreement).where(
            Agreement.home_org_id == net.home.id, Agreement.provider_org_id == net.provider.id
        )
    )
    courses_before = await _count(session, AgreementCourse)
    await session.commit()
    outsider = client_factory(203)  # the other school's coordinator
    await outsider.send("/start")
    for forged in (
        Agr(action=AgrAction.OPEN, id=made.id),
        Agr(action=AgrAction.EXTEND, id=made.id),
        Agr(action=AgrAction.EXTEND_ASK, id=made.id),
        Agr(action=AgrAction.TERMINATE_ASK, id=made.id),
        Agr(action=AgrAction.COURSE, id=made.id, course=net.group.course_id),
        Agr(action=AgrAction.EXPORT, id=made.id),
        Agr(action=AgrAction.PROVIDER, id=net.home.id, org=net.provider.id),
    ):
        answer = await outsider.press(forged.pack())
        assert answer, forged
    async with session_factory() as s:
        again = await s.get(Agreement, made.id)
        assert (again.state, again.ends_on) == (A.ACTIVE, made.ends_on)
        assert await _count(s, AgreementCourse) == courses_before
        assert await _count(s, AgreementEvent) == 0


# --- chat ---------------------------------------------------------------------------------------


async def test_a_coordinator_makes_and_activates_an_agreement_in_chat(
    session, session_factory, client_factory
) -> None:
    net = await factories.network(session, agreements=False)
    await session.commit()
    coordinator = client_factory(103)
    await coordinator.send("/start")
    await coordinator.click("Договоры")
    assert "Договоров пока нет" in coordinator.screen()
    await coordinator.click("Новый договор")
    await coordinator.click(net.home.short_name)
    assert "ресурсное учреждение" in coordinator.screen()
    await coordinator.click(net.provider.short_name)
    assert "номер договора" in coordinator.screen()
    assert "Отмена" in coordinator.screen()
    await coordinator.send("7/С")
    await coordinator.send("31.02.2026")
    assert "Не удалось прочитать дату" in coordinator.screen()
    await coordinator.send("01.09.2026")
    screen = coordinator.screen()
    assert "Черновик договора создан" in screen
    assert "Договор № 7/С</b> от 1 сентября 2026" in screen
    await coordinator.click("Олимпиадная математика")
    assert "✅ Олимпиадная математика" in coordinator.screen()
    await coordinator.click("ввести в действие")
    assert "Договор введён в действие" in coordinator.screen()
    async with session_factory() as s:
        made = await s.scalar(select(Agreement))
        assert (made.number, made.state, made.signed_on) == ("7/С", A.ACTIVE, date(2026, 9, 1))
        assert await agreements.covers(s, net.home.id, net.group.course_id, date(2026, 12, 1))


async def test_terminating_asks_first_says_to_whom_and_needs_a_reason(
    session, session_factory, client_factory
) -> None:
    net = await factories.network(session)
    await session.commit()
    coordinator = client_factory(103)
    await coordinator.send("/start")
    await coordinator.click("Договоры")
    await coordinator.click(f"{net.home.short_name} — {net.provider.short_name}")
    await coordinator.click("Расторгнуть")
    screen = coordinator.screen()
    assert "Координаторы обеих организаций получат уведомление" in screen
    assert "напишите причину" in screen
    async with session_factory() as s:
        assert await _count(s, Agreement, Agreement.state == A.TERMINATED) == 0
    await coordinator.send("Программа не набрала группу")
    assert "Договор расторгнут" in coordinator.screen()
    assert "Программа не набрала группу" in coordinator.screen()
    async with session_factory() as s:
        assert await _count(s, Agreement, Agreement.state == A.TERMINATED) == 1


async def test_extending_in_chat_says_what_follows_first(
    session, session_factory, client_factory
) -> None:
    net = await factories.network(session)
    await session.commit()
    coordinator = client_factory(103)
    await coordinator.send("/start")
    await coordinator.click("Договоры")
    await coordinator.click(f"{net.home.short_name} — {net.provider.short_name}")
    await coordinator.click("Продлить")
    assert "до 31 августа 2028" in coordinator.screen()
    async with session_factory() as s:
        assert await _count(s, AgreementEvent) == 0
    await coordinator.click("Да, продлить")
    assert "продлён на следующий учебный год" in coordinator.screen()


async def test_the_annex_lists_exactly_the_students_under_the_agreement(
    session, session_factory, client_factory
) -> None:
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student)
    await factories.enrolled(session, net.group, net.other_student)  # another agreement's
    waiting = await factories.person(
        session, "Волков Иван", Role.STUDENT, net.home.id, grade=9, telegram_id=602
    )
    await factories.enrolled(session, net.group, waiting, S.WAITLISTED)
    second = await factories.course_with_group(session, net.provider, title="Хоровое пение")
    classmate = await factories.person(
        session, "Егорова Анна", Role.STUDENT, net.home.id, grade=7, telegram_id=603
    )
    await factories.enrolled(session, second, classmate)
    uncovered = await factories.course_with_group(
        session, net.provider, title="Теория музыки", covered=False
    )
    await factories.enrolled(session, uncovered, net.student)
    await session.commit()

    coordinator = client_factory(103)
    await coordinator.send("/start")
    await coordinator.click("Договоры")
    await coordinator.click(f"{net.home.short_name} — {net.provider.short_name}")
    await coordinator.click("Приложение")
    documents = [m for m in coordinator.telegram.messages(103) if m.document]
    assert documents, coordinator.screen()
    name, data = documents[-1].document
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Ученик", "Класс", "Школа ученика", "Курс", "Группа"]
    assert rows[1:] == [  # by course, then student
        ["Соколов Артём", 8, net.home.short_name, "Олимпиадная математика", net.group.code],
        ["Егорова Анна", 7, net.home.short_name, "Хоровое пение", second.code],
    ]
    async with session_factory() as s:
        exported = AuditRecord.action == "agreement.annex_exported"
        assert await _count(s, AuditRecord, exported) == 1


async def test_the_review_card_says_why_and_the_admin_is_asked_once(
    session, session_factory, client_factory
) -> None:
    net = await factories.network(session, agreements=False)
    app = await _awaiting_school(session, net)
    admin = await _admin(session)
    await session.commit()
    coordinator = client_factory(103)
    await coordinator.send("/start")
    await coordinator.press(AppOpen(id=app.id).pack())
    screen = coordinator.screen()
    assert "Нельзя одобрить" in screen
    assert net.home.short_name in screen
    assert net.provider.short_name in screen
    assert "Попросить администратора" in screen
    assert "[✅ Одобрить]" not in screen
    assert await coordinator.click("Попросить администратора") == (
        "Администратор сети извещён о том, что нужен договор."
    )
    assert await coordinator.click("Попросить администратора") == (
        "Администратор уже извещён об этом заявлении."
    )
    # A forged approval is refused just the same.
    answer = await coordinator.press(AppAct(id=app.id, action=AppAction.APPROVE).pack())
    assert answer
    assert "Нельзя одобрить" in answer
    async with session_factory() as s:
        asked = (
            await s.scalars(
                select(Notification.person_id).where(
                    Notification.kind == "notify-admin-agreement-needed"
                )
            )
        ).all()
        assert asked == [admin.id]
        assert (await s.get(Application, app.id)).state == S.AWAITING_SCHOOL


# --- the demo network -------------------------------------------------------------------------


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_the_demo_has_an_active_an_ending_and_a_missing_agreement(session, clock) -> None:
    from bot import demo_data as demo
    from models import Group, Organisation

    await demo.load_demo_data(session, START)
    orgs = {o.code: o for o in (await session.scalars(select(Organisation))).all()}
    groups = {
        g.code: g
        for g in (await session.scalars(select(Group))).all()
        if g.code in ("MTHEORY-1", "MATH-OLY-1")
    }
    today = START.date()
    sosh5, sosh4 = orgs[demo.ORG_SOSH5], orgs[demo.ORG_SOSH4]
    theory, maths = groups["MTHEORY-1"].course_id, groups["MATH-OLY-1"].course_id
    assert await agreements.covers(session, sosh5.id, theory, today)
    ending = await agreements.covers(session, sosh4.id, theory, today)
    assert ending is not None
    assert 7 < (ending.ends_on - today).days <= 30
    assert await agreements.covers(session, sosh5.id, maths, today) is None
    # The ending one's two coordinators (СОШ №4 and ДШИ) are reminded.
    assert await agreements.process_agreement_deadlines(session, START) == (2, 0)
