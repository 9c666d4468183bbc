"""Conversations in chat: registration, linking, invites, bad input, limits and languages.

Every test drives the real Dispatcher with real Update objects through the fake Telegram
session (which refuses what Telegram refuses) and checks what the bot showed and what the
database holds. Telegram ids from `factories.network`: student 101, parent 102,
coordinator 103, other student 201, other parent 202, other coordinator 203, teacher 301.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select

from handlers.catalogue import ApplyStep, CourseView
from models import (
    Account,
    Application,
    ApplicationEvent,
    Course,
    Invite,
    ParentLink,
    ParentLinkCode,
    Person,
    RoleGrant,
)
from models.enums import ApplicationState, CourseFormat, Direction, Gender, OrgKind, Role
from services import people
from tests import factories
from tests.bot_client import BotClient
from tests.conftest import START

S = ApplicationState
CYRILLIC = re.compile("[А-Яа-яЁё]")
# Data the tests create in Russian; everything else an English reader sees must be English.
RUSSIAN_DATA = (
    "Выберите язык",  # the language picker is bilingual on purpose
    "Олимпиадная математика",
    "Олимпиадная",  # a long title is cut at a word on a button
    "Курс для тех, кто любит задачи.",
    "МБОУ СОШ № 5",
    "МАОУ «СОШ №4»",
    "МБУ ДО ДШИ",
    "ул. Выдуманная, 1",
    "Белова Анна Сергеевна",
    "каб. 21",
    "Соколов Артём",
    "Артём",  # a parent's list names the child by the first name
    "Соколова Елена",
    "Петрова Марина",
)


# --- helpers -----------------------------------------------------------------------------------


async def person_of(session_factory, user_id: int) -> Person | None:
    async with session_factory() as s:
        return await s.scalar(
            select(Person)
            .join(Account, Account.person_id == Person.id)
            .where(Account.user_id == user_id)
        )


async def grants_of(session_factory, person_id: int) -> set[tuple[Role, int | None]]:
    async with session_factory() as s:
        rows = await s.execute(
            select(RoleGrant.role, RoleGrant.organisation_id).where(
                RoleGrant.person_id == person_id
            )
        )
        return {(role, org) for role, org in rows.all()}


async def links_of(session_factory, parent_id: int) -> list[int]:
    async with session_factory() as s:
        rows = await s.scalars(select(ParentLink.child_id).where(ParentLink.parent_id == parent_id))
        return list(rows.all())


async def application(session_factory, application_id: int) -> Application:
    async with session_factory() as s:
        app = await s.get(Application, application_id)
        assert app is not None
        return app


async def count(session_factory, model, *where) -> int:
    async with session_factory() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def code_in(text: str) -> str:
    found = re.search(r"<code>([A-Z0-9]+)</code>", text)
    assert found, f"no code in {text!r}"
    return found.group(1)


def assert_english(client: BotClient) -> str:
    """The newest screen (text and buttons) has no Russian except the data it shows."""
    screen = client.screen()
    rest = screen
    for data in RUSSIAN_DATA:
        rest = rest.replace(data, "")
    assert not CYRILLIC.search(rest), f"Russian text on an English screen: {screen!r}"
    return screen


def button_labels(client: BotClient) -> list[str]:
    return [label for label, _ in client.telegram.last(client.user_id).buttons()]


async def registered_network(session, **kwargs) -> factories.Network:
    net = await factories.network(session, **kwargs)
    await session.commit()
    return net


async def apply_in_chat(student: BotClient, course: str = "Олимпиадная математика") -> None:
    await student.send("/catalogue")
    await student.click(course)
    await student.click("Записаться")
    await student.click("Да, подать")
    assert "Заявление отправлено" in student.screen()


# --- 1. registration ---------------------------------------------------------------------------


async def test_student_registers_from_scratch_in_russian(
    session_factory, session, client_factory, telegram
):
    net = await registered_network(session)
    newcomer = client_factory(500, "Ваня")

    await newcomer.send("/start")
    screen = newcomer.screen()
    assert "Выберите язык" in screen
    assert "Choose your language" in screen
    assert "[Русский]" in screen
    assert "[English]" in screen

    await newcomer.click("Русский")
    assert "Кто вы?" in newcomer.screen()
    assert button_labels(newcomer) == ["Ученик", "Родитель"]

    await newcomer.click("Ученик")
    assert "В какой школе вы учитесь?" in newcomer.screen()
    assert "МБОУ СОШ № 5" in button_labels(newcomer)

    await newcomer.click("МБОУ СОШ № 5")
    assert "В каком вы классе?" in newcomer.screen()
    assert button_labels(newcomer) == [str(g) for g in range(1, 12)]

    await newcomer.click("8")
    assert "Напишите фамилию и имя" in newcomer.screen()

    await newcomer.send("  Иванов   Иван ")
    assert any("Готово! Можно смотреть каталог" in t for t in newcomer.texts())
    menu = newcomer.screen()
    assert "<b>Иванов Иван</b> · Ученик" in menu
    assert "[📚 Каталог]" in menu
    assert "[👪 Привязать родителя]" in menu

    person = await person_of(session_factory, 500)
    assert person is not None
    assert (person.full_name, person.grade, person.home_org_id, person.language) == (
        "Иванов Иван",
        8,
        net.home.id,
        "ru",
    )
    assert person.active_role == Role.STUDENT
    assert await grants_of(session_factory, person.id) == {(Role.STUDENT, net.home.id)}
    assert "catalogue" in telegram.commands[500]
    assert "applications" in telegram.commands[500]

    # The person can use the catalogue at once.
    await newcomer.send("/catalogue")
    assert "Олимпиадная математика" in newcomer.screen()


async def test_parent_registers_in_english(session_factory, session, client_factory, telegram):
    await registered_network(session)
    newcomer = client_factory(700, "Jane", language_code="en")

    await newcomer.send("/start")
    assert "Choose your language" in newcomer.screen()
    await newcomer.click("English")
    assert "Who are you?" in assert_english(newcomer)
    assert button_labels(newcomer) == ["Student", "Parent"]

    await newcomer.click("Parent")
    assert "Type your full name" in assert_english(newcomer)

    await newcomer.send("Jane Smith")
    assert any("Done! Now ask your child" in t for t in newcomer.texts())
    # A name Russian grammar cannot read is asked about once, for texts about her.
    assert "could not tell from the name «Jane Smith»" in assert_english(newcomer)
    await newcomer.click("“She applied”")
    menu = assert_english(newcomer)
    assert "<b>Jane Smith</b> · Parent" in menu
    assert "No applications wait for your consent." in menu
    assert "[👧 My children's applications]" in menu

    person = await person_of(session_factory, 700)
    assert person is not None
    assert (person.full_name, person.language, person.active_role) == (
        "Jane Smith",
        "en",
        Role.PARENT,
    )
    assert person.home_org_id is None
    assert person.grade is None
    assert person.gender == Gender.FEMALE
    assert await grants_of(session_factory, person.id) == {(Role.PARENT, None)}
    assert "children" in telegram.commands[700]
    assert "catalogue" not in telegram.commands[700]

    await newcomer.send("/help")
    assert "/children" in assert_english(newcomer)


# --- 2. parent linking -------------------------------------------------------------------------


async def test_parent_links_a_child_with_the_code_typed(session_factory, session, client_factory):
    net = await factories.network(session)
    father = await factories.person(session, "Соколов Игорь", Role.PARENT, telegram_id=401)
    await session.commit()
    student, parent = client_factory(101), client_factory(401)

    await student.send("/parent")
    code = code_in(student.screen())
    assert f"start=par-{code}" in student.screen()

    await parent.send("/link")
    assert "Напишите код" in parent.screen()

    await parent.send("WRONG000")  # O and 0 are never in a code
    assert "Такого кода нет" in parent.screen()
    assert await links_of(session_factory, father.id) == []

    # Still asked for the code: a second try works, typed in lower case with spaces.
    await parent.send(f" {code[:4].lower()} {code[4:]} ")
    assert any("Готово: Соколов Артём — ваш ребёнок в боте" in t for t in parent.texts())
    assert "<b>Соколов Игорь</b> · Родитель" in parent.screen()
    assert await links_of(session_factory, father.id) == [net.student.id]
    async with session_factory() as s:
        used = await s.scalar(select(ParentLinkCode).where(ParentLinkCode.code == code))
        assert used is not None
        assert used.used_by_id == father.id


async def test_student_cannot_use_own_code(session_factory, session, client_factory):
    net = await registered_network(session)
    student = client_factory(101)

    await student.send("/parent")
    code = code_in(student.screen())
    await student.send("/link")
    await student.send(code)

    assert "Это ваш собственный код" in student.screen()
    assert await links_of(session_factory, net.student.id) == []
    assert await grants_of(session_factory, net.student.id) == {(Role.STUDENT, net.home.id)}
    async with session_factory() as s:
        unused = await s.scalar(select(ParentLinkCode).where(ParentLinkCode.code == code))
        assert unused is not None
        assert unused.used_at is None


async def test_used_code_is_refused(session_factory, session, client_factory):
    net = await factories.network(session)
    first = await factories.person(session, "Соколов Игорь", Role.PARENT, telegram_id=401)
    second = await factories.person(session, "Лебедева Нина", Role.PARENT, telegram_id=402)
    await session.commit()
    student = client_factory(101)

    await student.send("/parent")
    code = code_in(student.screen())
    await client_factory(401).send("/link")
    await client_factory(401).send(code)
    assert await links_of(session_factory, first.id) == [net.student.id]

    late = client_factory(402)
    await late.send("/link")
    await late.send(code)
    assert "Этот код уже использован" in late.screen()
    assert await links_of(session_factory, second.id) == []


async def test_deep_link_registers_a_new_parent_and_links(
    session_factory, session, client_factory, telegram
):
    net = await registered_network(session)
    student = client_factory(101)
    await student.send("/parent")
    code = code_in(student.screen())

    newcomer = client_factory(600, "Игорь")
    await newcomer.send(f"/start par-{code}")
    assert "Choose your language" in newcomer.screen()
    await newcomer.click("Русский")
    assert "Напишите ваши фамилию, имя и отчество" in newcomer.screen()
    await newcomer.send("Соколов Игорь Петрович")

    assert any("Готово: Соколов Артём — ваш ребёнок в боте" in t for t in newcomer.texts())
    assert "<b>Соколов Игорь Петрович</b> · Родитель" in newcomer.screen()
    person = await person_of(session_factory, 600)
    assert person is not None
    assert person.full_name == "Соколов Игорь Петрович"
    assert await grants_of(session_factory, person.id) == {(Role.PARENT, None)}
    assert await links_of(session_factory, person.id) == [net.student.id]
    assert "children" in telegram.commands[600]


async def test_deep_link_with_a_wrong_code_lets_the_parent_try_again(
    session_factory, session, client_factory
):
    """The refusal says "check it and type it again": typing it again must work."""
    net = await registered_network(session)
    student = client_factory(101)
    await student.send("/parent")
    code = code_in(student.screen())

    newcomer = client_factory(600)
    await newcomer.send("/start par-WRONG000")
    await newcomer.click("Русский")
    await newcomer.send("Соколов Игорь Петрович")
    assert "Такого кода нет. Проверьте и введите ещё раз." in newcomer.screen()

    await newcomer.send(code)
    assert any("Готово: Соколов Артём — ваш ребёнок в боте" in t for t in newcomer.texts()), (
        newcomer.screen()
    )
    person = await person_of(session_factory, 600)
    assert person is not None
    assert person.full_name == "Соколов Игорь Петрович"
    assert await links_of(session_factory, person.id) == [net.student.id]


# --- 3. invites --------------------------------------------------------------------------------


async def test_invite_makes_a_coordinator_once(session_factory, session, client_factory, telegram):
    net = await factories.network(session)
    invite = await people.create_invite(
        session, role=Role.COORDINATOR, org_id=net.home.id, now=START
    )
    await session.commit()
    staff = client_factory(600, "Вера")

    await staff.send(f"/start inv-{invite.code}")
    assert "Выберите язык" in staff.screen()
    await staff.click("Русский")
    assert any("Добро пожаловать! Ваша роль: Координатор." in t for t in staff.texts())
    assert "Напишите фамилию и имя" in staff.screen()

    await staff.send("Орлова Вера Николаевна")
    menu = staff.screen()
    assert "<b>Орлова Вера Николаевна</b> · Координатор" in menu
    assert "Заявлений на рассмотрении нет." in menu
    assert "[📥 Заявления на рассмотрение]" in menu
    assert "review" in telegram.commands[600]

    person = await person_of(session_factory, 600)
    assert person is not None
    assert person.full_name == "Орлова Вера Николаевна"
    assert person.active_role == Role.COORDINATOR
    assert await grants_of(session_factory, person.id) == {(Role.COORDINATOR, net.home.id)}
    async with session_factory() as s:
        used = await s.get(Invite, invite.id)
        assert used is not None
        assert used.used_by_id == person.id

    # The same link in other hands: refused clearly, no role.
    intruder = client_factory(601)
    await intruder.send(f"/start inv-{invite.code}")
    await intruder.click("Русский")
    assert any("уже использовал другой человек" in text for text in intruder.texts())
    assert "Кто вы?" in intruder.screen(), "they can still register as a student or parent"
    other = await person_of(session_factory, 601)
    assert other is not None
    assert await grants_of(session_factory, other.id) == set()
    assert other.active_role is None
    assert other.language == "ru", "the language chosen before the refusal is kept"
    async with session_factory() as s:
        still = await s.get(Invite, invite.id)
        assert still is not None
        assert still.used_by_id == person.id
    await intruder.send("/review")
    assert "только координаторам" in intruder.screen()


# --- 4. bad input ------------------------------------------------------------------------------


async def test_unknown_command_and_unexpected_text(session, client_factory):
    await registered_network(session)
    student = client_factory(101)

    await student.send("/foo")
    assert student.replies().startswith("Такой команды нет. Вот что можно сделать:")
    assert "[📚 Каталог]" in student.screen(), "the student's menu comes with it"
    await student.send("привет")
    assert student.replies().startswith("Сейчас я не жду сообщения. Выберите, что сделать:")
    assert "[📚 Каталог]" in student.screen()

    stranger = client_factory(999)  # typed instead of pressing /start
    await stranger.send("что это?")
    assert "Сейчас я не жду сообщения" in stranger.replies()
    assert "[Русский]" in stranger.screen(), "a newcomer gets the first question"


async def test_text_instead_of_a_button_during_registration(
    session_factory, session, client_factory
):
    net = await registered_network(session)
    newcomer = client_factory(500)
    await newcomer.send("/start")
    await newcomer.click("Русский")
    await newcomer.click("Ученик")

    await newcomer.send("СОШ 5")
    assert newcomer.screen() == "Пожалуйста, выберите вариант кнопкой выше."
    await newcomer.click("МБОУ СОШ № 5")
    await newcomer.send("восьмой")
    assert newcomer.screen() == "Пожалуйста, выберите вариант кнопкой выше."
    person = await person_of(session_factory, 500)
    assert person is not None
    assert person.grade is None
    assert person.home_org_id is None

    await newcomer.click("8")
    await newcomer.send("Иванов Иван")
    person = await person_of(session_factory, 500)
    assert person is not None
    assert (person.grade, person.home_org_id) == (8, net.home.id)


async def test_stale_and_unknown_buttons_change_nothing(session_factory, session, client_factory):
    net = await registered_network(session)
    student = client_factory(101)
    await student.send("/catalogue")
    before = student.screen()

    answer = await student.press("zzz:1")
    assert answer == "Эта кнопка устарела. Откройте меню заново: /menu"
    assert student.screen() == before

    # The course disappears while its button is on the screen.
    await session.execute(delete(Course).where(Course.id == net.group.course_id))
    await session.commit()
    answer = await student.click("Олимпиадная математика")
    assert answer is not None
    assert "Не найдено" in answer
    assert student.screen() == before
    assert len(student.texts()) == 1
    assert await count(session_factory, Application) == 0


async def test_a_screen_whose_message_is_gone_comes_as_a_new_message(session, client_factory):
    """A button on a message that can no longer be edited (deleted, or MAX's limit for old
    ones) still works: the screen comes as a new message."""
    await registered_network(session)
    student = client_factory(101)
    await student.send("/catalogue")
    [(_, data)] = [b for b in student.telegram.last(101).buttons() if "Олимпиадная" in b[0]]

    await student.press(data, message_id=987_654)  # a message the chat no longer has

    assert len(student.texts()) == 2
    assert "Олимпиадная математика" in student.screen()
    assert "Записаться" in student.screen()


async def test_registration_buttons_are_stale_once_registered(
    session_factory, session, client_factory
):
    """A registered student replaying the registration buttons must not change school or grade."""
    net = await registered_network(session)
    student = client_factory(101)
    await student.send("/menu")

    answers = [
        await student.press("reg:student"),
        await student.press(f"rorg:{net.other.id}"),
        await student.press("rgr:11"),
    ]
    await student.send("Соколов Артём")

    person = await person_of(session_factory, 101)
    assert person is not None
    assert (person.home_org_id, person.grade) == (net.home.id, 8), answers
    assert await grants_of(session_factory, person.id) == {(Role.STUDENT, net.home.id)}


async def test_forged_catalogue_filters_are_refused(session, client_factory):
    """Filter values travel in callback data; forged ones get an alert, not an exception."""
    await registered_network(session)
    student = client_factory(101)
    await student.send("/catalogue")
    before = student.screen()

    answer = await student.press("cat:list:nope:0:-1::0")
    assert answer is not None
    assert "устарела" in answer
    answer = await student.press("cat:list::0:-1:nope:0")
    assert answer is not None
    assert "устарела" in answer
    assert student.screen() == before


async def test_parent_cannot_act_on_another_familys_application(
    session_factory, session, client_factory
):
    net = await factories.network(session)
    own = await factories.enrolled(session, net.group, net.student, S.AWAITING_PARENT)
    theirs = await factories.enrolled(session, net.group, net.other_student, S.AWAITING_PARENT)
    await session.commit()
    parent = client_factory(102)
    await parent.send("/children")
    before = parent.screen()
    assert "Морозова" not in before

    for data in (
        f"act:{theirs.id}:confirm",
        f"act:{theirs.id}:decline",
        f"act:{theirs.id}:withdraw",
        f"app:{theirs.id}",
    ):
        answer = await parent.press(data)
        assert answer, data
        assert "своих привязанных детей" in answer or "Не найдено" in answer, answer
    assert parent.screen() == before
    assert (await application(session_factory, theirs.id)).state == S.AWAITING_PARENT
    assert (
        await count(session_factory, ApplicationEvent, ApplicationEvent.application_id == theirs.id)
        == 1
    )

    # The own child's application still works through the same handler.
    await parent.press(f"act:{own.id}:confirm")
    assert (await application(session_factory, own.id)).state == S.AWAITING_SCHOOL


async def test_student_cannot_confirm_own_application(session_factory, session, client_factory):
    net = await factories.network(session)
    app = await factories.enrolled(session, net.group, net.student, S.AWAITING_PARENT)
    await session.commit()
    student = client_factory(101)
    await student.send("/applications")

    answer = await student.press(f"act:{app.id}:confirm")
    assert answer == "Действовать можно только за своих привязанных детей."
    answer = await student.press(f"act:{app.id}:decline")
    assert answer is not None
    assert (await application(session_factory, app.id)).state == S.AWAITING_PARENT


async def test_coordinator_of_another_school_cannot_decide(
    session_factory, session, client_factory
):
    net = await factories.network(session)
    app = await factories.enrolled(session, net.group, net.student, S.AWAITING_SCHOOL)
    await session.commit()
    stranger = client_factory(203)
    await stranger.send("/review")
    assert "Заявлений на рассмотрении нет" in stranger.screen()

    answer = await stranger.press(f"act:{app.id}:approve")
    assert answer == "Решать можно только по заявлениям учеников своей организации."
    answer = await stranger.press(f"act:{app.id}:reject")
    assert answer is not None
    await stranger.send("не подходит")  # no reason is being asked for
    assert "Сейчас я не жду сообщения" in stranger.replies()
    assert (await application(session_factory, app.id)).state == S.AWAITING_SCHOOL


async def test_second_application_to_the_same_group_is_refused(
    session_factory, session, client_factory
):
    net = await registered_network(session)
    student = client_factory(101)
    await apply_in_chat(student)

    await student.click("Каталог")
    await student.click("Олимпиадная математика")
    # Its own group shows the application, not «Записаться»; a forged press is refused.
    assert "Записаться" not in student.screen()
    assert f"[📄 {net.group.code}: ждёт согласия родителя]" in student.screen()
    answer = await student.press(ApplyStep(group_id=net.group.id).pack())
    assert answer is not None
    assert "уже подали" in answer
    answer = await student.press(ApplyStep(group_id=net.group.id, confirm=True).pack())
    assert answer is not None
    assert "уже подали" in answer
    assert await count(session_factory, Application) == 1


async def test_applying_to_a_full_group_ends_on_the_waitlist(
    session_factory, session, client_factory, deliverer
):
    net = await factories.network(session, capacity=1)
    await factories.enrolled(session, net.group, net.other_student)
    await session.commit()
    student, parent, coordinator = client_factory(101), client_factory(102), client_factory(103)

    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    assert "Мест нет (лист ожидания)" in student.screen()
    await student.click("Записаться")
    assert "В группе нет мест" in student.screen()
    await student.click("Да, подать")

    await deliverer.deliver_due()
    await parent.send("/children")
    await parent.click("Олимпиадная математика")
    await parent.click("Подтвердить")
    await coordinator.send("/review")
    await coordinator.click("Соколов Артём")
    await coordinator.click("Одобрить")
    assert "ученик в листе ожидания" in coordinator.screen()

    async with session_factory() as s:
        app = await s.scalar(select(Application).where(Application.student_id == net.student.id))
        assert app is not None
        assert app.state == S.WAITLISTED
    await deliverer.deliver_due()
    assert "в листе ожидания" in student.screen()


async def test_course_for_other_grades(session_factory, session, client_factory):
    net = await factories.network(session)
    seniors = await factories.course_with_group(
        session, net.provider, title="Физика для старших", grades=(10, 11)
    )
    await session.commit()
    student = client_factory(101)

    await student.send("/catalogue")
    assert "Физика для старших" not in student.screen()

    await student.press(CourseView(id=seniors.course_id).pack())
    card = student.screen()
    assert "Физика для старших" in card
    assert "Этот курс только для 10–11 классов." in card
    assert not any("Записаться" in label for label in button_labels(student))

    for data in (f"apl:{seniors.id}:1", f"apl:{seniors.id}:0"):
        answer = await student.press(data)
        assert answer == "Этот курс только для 10–11 классов."
    assert await count(session_factory, Application) == 0


async def test_roles_are_checked_for_commands(session, client_factory):
    await registered_network(session)
    student, parent, coordinator = client_factory(101), client_factory(102), client_factory(103)

    await student.send("/review")
    assert student.screen() == "Это доступно только координаторам."
    await student.send("/children")
    assert student.screen() == "Это доступно только родителям."
    await parent.send("/catalogue")
    assert parent.screen() == "Это доступно только ученикам."
    await parent.send("/applications")
    assert parent.screen() == "Это доступно только ученикам."
    await coordinator.send("/invite")
    assert coordinator.screen() == "Это доступно только администратору сети."

    await parent.send("/menu")
    answer = await parent.press("m:catalogue")
    assert answer == "Это доступно только ученикам."


async def test_command_while_a_decline_reason_is_expected(session_factory, session, client_factory):
    """A mistyped command is not a reason: it gets the unknown-command answer, nothing changes."""
    net = await factories.network(session)
    app = await factories.enrolled(session, net.group, net.student, S.AWAITING_PARENT)
    await session.commit()
    parent = client_factory(102)
    await parent.send("/children")
    await parent.click("Олимпиадная математика")
    await parent.click("Отклонить")
    assert "Почему вы отклоняете?" in parent.screen()

    await parent.send("/foo")
    assert parent.replies().startswith("Такой команды нет.")
    assert (await application(session_factory, app.id)).state == S.AWAITING_PARENT


async def test_command_while_a_reject_reason_is_expected(session_factory, session, client_factory):
    net = await factories.network(session)
    app = await factories.enrolled(session, net.group, net.student, S.AWAITING_SCHOOL)
    await session.commit()
    coordinator = client_factory(103)
    await coordinator.send("/review")
    await coordinator.click("Соколов Артём")
    await coordinator.click("Отказать")
    assert "Напишите причину отказа" in coordinator.screen()

    await coordinator.send("/foo")
    assert coordinator.replies().startswith("Такой команды нет.")
    assert (await application(session_factory, app.id)).state == S.AWAITING_SCHOOL


async def test_children_command_while_a_link_code_is_expected(session, client_factory):
    await registered_network(session)
    parent = client_factory(102)
    await parent.send("/link")
    await parent.send("/children")
    assert "Ваши дети: Соколов Артём" in parent.screen()


async def test_decline_and_reject_with_reasons(session_factory, session, client_factory, deliverer):
    net = await factories.network(session)
    declined = await factories.enrolled(session, net.group, net.student, S.AWAITING_PARENT)
    other = await factories.course_with_group(session, net.provider, title="Шахматы")
    rejected = await factories.enrolled(session, other, net.student, S.AWAITING_SCHOOL)
    await session.commit()
    parent, coordinator, student = client_factory(102), client_factory(103), client_factory(101)

    await parent.send("/children")
    await parent.click("Олимпиадная математика")
    await parent.click("Отклонить")
    await parent.send("Слишком поздно заканчивается")
    assert "Заявление отклонено" in parent.screen()
    assert "Причина: Слишком поздно заканчивается" in parent.screen()

    await coordinator.send("/review")
    await coordinator.click("Шахматы")
    await coordinator.click("Отказать")
    await coordinator.send("   ")
    assert "Пожалуйста, напишите причину." in coordinator.screen()
    await coordinator.send("Нет согласования с классным руководителем")
    assert "В заявлении отказано" in coordinator.screen()

    assert (await application(session_factory, declined.id)).state == S.DECLINED_BY_PARENT
    app = await application(session_factory, rejected.id)
    assert app.state == S.REJECTED
    assert app.reason == "Нет согласования с классным руководителем"
    await deliverer.deliver_due()
    texts = "\n".join(student.texts())
    assert "Причина: Слишком поздно заканчивается" in texts
    assert "Причина: Нет согласования с классным руководителем" in texts


# --- 5. answers and editing in place -----------------------------------------------------------


async def test_navigation_edits_one_message(session, client_factory, telegram):
    await registered_network(session)
    student = client_factory(101)
    await student.send("/menu")
    await student.click("Каталог")
    listing = student.screen()
    assert "Олимпиадная математика" in listing

    await student.click("Олимпиадная математика")
    assert "Группа G-" in student.screen()
    await student.click("Назад")
    assert student.screen() == listing
    await student.click("Направление")
    await student.click("Математика")
    assert "Направление: Математика" in student.screen()
    await student.click("Сбросить фильтры")
    await student.click("Меню")

    messages = telegram.messages(101)
    assert len(messages) == 1
    assert messages[0].edits >= 6
    answers = [
        c.callback_query_id for c in telegram.calls if type(c).__name__ == "AnswerCallbackQuery"
    ]
    assert len(answers) == len(set(answers)) == 7  # one answer for each of the 7 presses


# --- 6. catalogue limits -----------------------------------------------------------------------

DIRECTIONS = list(Direction)
FORMATS = list(CourseFormat)


async def big_catalogue(session) -> None:
    home = await factories.org(session, "МБОУ СОШ № 5", code="sosh5")
    provider = await factories.org(
        session, "Ресурсный центр «Интеллект»", code="intel", kind=OrgKind.RESOURCE_CENTRE
    )
    await factories.person(
        session, "Соколов Артём", Role.STUDENT, home.id, grade=8, telegram_id=101
    )
    tail = "углублённая программа дополнительного образования для любознательных школьников " * 3
    for i in range(40):
        await factories.course_with_group(
            session,
            provider,
            title=f"Курс {i:02d}: {tail}"[:150].strip(),
            grades=(1, 11),
            direction=DIRECTIONS[i % len(DIRECTIONS)],
            fmt=FORMATS[i % len(FORMATS)],
            weekday=i % 7,
        )
    await session.commit()


def shown_courses(client: BotClient) -> list[int]:
    return [int(label[5:7]) for label in button_labels(client) if label.startswith("Курс ")]


async def test_catalogue_paginates_and_filters_within_limits(session, client_factory):
    await big_catalogue(session)
    student = client_factory(101)

    await student.send("/catalogue")
    assert "40 курсов" in student.screen()
    assert "[1/7]" in student.screen()
    labels = button_labels(student)
    assert all(len(label) <= 64 for label in labels)
    assert all(label.endswith("…") for label in labels if label.startswith("Курс "))

    seen: list[int] = []
    for page in range(2, 9):
        seen += shown_courses(student)
        await student.click("▶")
        assert f"[{(page - 1) % 7 + 1}/7]" in student.screen()
    assert sorted(seen) == list(range(40))
    await student.click("◀")
    assert "[7/7]" in student.screen()
    assert shown_courses(student) == [36, 37, 38, 39]
    await student.click("7/7")  # the page indicator: pressing it changes nothing, fails nothing
    assert "[7/7]" in student.screen()
    await student.click("Курс 39")
    assert "Курс 39" in student.screen()
    assert "Записаться" in student.screen()
    await student.click("Назад")
    assert "[7/7]" in student.screen()

    await student.click("Направление")
    assert "Выберите направление:" in student.screen()
    await student.click("Информатика")
    assert "4 курса" in student.screen()
    assert sorted(shown_courses(student)) == [2, 12, 22, 32]

    await student.click("День")
    await student.click("среда")
    assert "1 курс" in student.screen()
    assert "Направление: Информатика" in student.screen()
    assert "День: среда" in student.screen()
    assert shown_courses(student) == [2]

    await student.click("Сбросить фильтры")
    assert "40 курсов" in student.screen()
    await student.click("Формат")
    await student.click("онлайн")
    assert "13 курсов" in student.screen()
    assert "[1/3]" in student.screen()

    await student.click("Школа")
    await student.click("Ресурсный центр")
    assert "13 курсов" in student.screen()
    await student.click("Направление")
    await student.click("Музыка")
    assert "1 курс" in student.screen()
    assert shown_courses(student) == [16]  # music (i % 10 == 6) and online (i % 3 == 1)
    await student.click("День")
    await student.click("понедельник")
    assert "ничего не найдено" in student.screen()
    assert "Попробуйте другой фильтр" in student.screen()
    assert shown_courses(student) == []


async def test_long_course_description_still_shows_the_card(session, client_factory):
    """A description longer than one message is cut to fit; the card itself must survive."""
    net = await factories.network(session)
    course = await session.get(Course, net.group.course_id)
    assert course is not None
    course.description = " ".join(
        f"Занятие {n}: задачи <повышенной> сложности & олимпиадная подготовка." for n in range(45)
    )
    await session.commit()
    student = client_factory(101)

    await student.send("/catalogue")
    await student.click("Олимпиадная математика")
    card = student.telegram.last(101).text
    assert len(card) <= 4096
    assert "{???}" not in card
    assert "<b>Олимпиадная математика</b>" in card
    assert "Занятие 0: задачи &lt;повышенной&gt; сложности &amp; олимпиадная" in card
    assert "Группа G-" in card


# --- 7. language -------------------------------------------------------------------------------


async def test_english_speakers_see_english_through_the_loop(
    session_factory, session, client_factory, deliverer
):
    net = await factories.network(session)
    for who in (net.student, net.parent, net.coordinator):
        who.language = "en"
    await session.commit()
    student = client_factory(101, language_code="en")
    parent = client_factory(102, language_code="en")
    coordinator = client_factory(103, language_code="en")

    await student.send("/menu")
    assert "· Student" in assert_english(student)
    await student.click("Catalogue")
    assert "grade 8: 1 course" in assert_english(student)
    await student.click("Олимпиадная математика")
    assert "Group G-" in assert_english(student)
    assert "0 of 10 enrolled to run" in student.screen()
    await student.click("Apply to")
    assert "Apply to <b>Олимпиадная математика</b>" in assert_english(student)
    await student.click("Yes, apply")
    assert "Application sent." in assert_english(student)

    await deliverer.deliver_due()
    assert "applied to" in assert_english(parent)
    await parent.send("/children")
    assert "Your children: Соколов Артём" in assert_english(parent)
    await parent.click("Олимпиадная математика")
    assert "By confirming" in assert_english(parent)
    await parent.click("Confirm")
    assert "consent recorded" in assert_english(parent)

    await deliverer.deliver_due()
    assert "Your parent confirmed" in assert_english(student)
    assert "New application to review" in assert_english(coordinator)
    await coordinator.send("/review")
    assert "1 application waits for your decision" in assert_english(coordinator)
    await coordinator.click("Соколов Артём")
    assert "State: 🏫 awaiting the school" in assert_english(coordinator)
    await coordinator.click("Approve")
    assert "the student is enrolled" in assert_english(coordinator)

    await deliverer.deliver_due()
    assert "You are enrolled in" in assert_english(student)
    assert "is enrolled in" in assert_english(parent)
    await student.send("/applications")
    assert "Your 1 application" in assert_english(student)
    await student.click("Олимпиадная математика")
    card = assert_english(student)
    assert "State: ✅ enrolled" in card
    assert "History" in card
    await student.send("/help")
    assert "/catalogue" in assert_english(student)
    await student.send("/foo")
    assert_english(student)
    assert "I don't know that command" in student.replies()

    async with session_factory() as s:
        app = await s.scalar(select(Application))
        assert app is not None
        assert app.state == S.ENROLLED


async def test_notifications_use_the_recipients_language(
    session_factory, session, client_factory, deliverer
):
    net = await factories.network(session)
    net.parent.language = "en"
    await session.commit()
    student, parent, coordinator = client_factory(101), client_factory(102), client_factory(103)

    await apply_in_chat(student)
    assert await deliverer.deliver_due() == 1
    assert "Соколов Артём applied to <b>Олимпиадная математика</b>" in assert_english(parent)

    await parent.send("/children")
    await parent.click("Олимпиадная математика")
    await parent.click("Confirm")
    await deliverer.deliver_due()
    assert "Родитель подтвердил ваше заявление" in student.screen()
    assert "Новое заявление на рассмотрение" in coordinator.screen()


async def test_switching_language_from_the_menu(session_factory, session, client_factory, telegram):
    await registered_network(session)
    student = client_factory(101)
    await student.send("/menu")
    await student.click("Язык")
    await student.click("English")
    assert "· Student" in assert_english(student)
    assert len(telegram.messages(101)) == 1
    person = await person_of(session_factory, 101)
    assert person is not None
    assert person.language == "en"
    await student.send("/catalogue")
    assert "Catalogue" in assert_english(student)


# --- 8. withdrawal and roles -------------------------------------------------------------------


async def test_withdraw_from_the_card_with_a_confirm_step(
    session_factory, session, client_factory, deliverer
):
    net = await factories.network(session, capacity=1)
    app = await factories.enrolled(session, net.group, net.student)
    waiting = await factories.enrolled(session, net.group, net.other_student, S.WAITLISTED)
    await session.commit()
    student, parent = client_factory(101), client_factory(102)
    coordinator, other_student = client_factory(103), client_factory(201)

    await student.send("/applications")
    assert "У вас 1 заявление" in student.screen()
    await student.click("Олимпиадная математика")
    assert "Состояние: ✅ одобрено, зачисление в группу" in student.screen()
    await student.click("Отозвать")
    assert "Отозвать заявление?" in student.screen()
    await student.click("Отмена")
    assert "Состояние: ✅ одобрено, зачисление в группу" in student.screen()
    assert (await application(session_factory, app.id)).state == S.ENROLLED

    await student.click("Отозвать")
    await student.click("Да, отозвать")
    card = student.screen()
    assert "Заявление отозвано" in card
    assert "Состояние: ↩️ отозвано" in card
    assert not any("Отозвать" in label for label in button_labels(student))
    assert len(student.texts()) == 1

    assert (await application(session_factory, app.id)).state == S.WITHDRAWN
    assert (await application(session_factory, waiting.id)).state == S.ENROLLED
    answer = await student.press(f"act:{app.id}:withdraw")
    assert answer is not None
    assert "отозвано" in answer

    await deliverer.deliver_due()
    assert "Заявление Соколова Артёма на курс" in parent.screen()
    assert "отозвано" in parent.screen()
    assert "отозвано" in coordinator.screen()
    assert "Освободилось место: вы зачислены" in other_student.screen()


async def test_role_switch_changes_the_menu(session_factory, session, client_factory, telegram):
    net = await factories.network(session)
    session.add(RoleGrant(person_id=net.coordinator.id, role=Role.PARENT, organisation_id=None))
    await session.commit()
    coordinator = client_factory(103)

    await coordinator.send("/menu")
    assert "· Координатор" in coordinator.screen()
    assert "[🔁 Сменить роль]" in coordinator.screen()

    await coordinator.send("/role")
    assert "В какой роли вы хотите работать?" in coordinator.screen()
    assert button_labels(coordinator) == ["Родитель", "Координатор"]
    await coordinator.click("Родитель")
    menu = coordinator.screen()
    assert "<b>Петрова Марина</b> · Родитель" in menu
    assert "[👧 Заявления детей]" in menu
    assert "Заявления на рассмотрение" not in menu
    assert "children" in telegram.commands[103]
    assert "review" not in telegram.commands[103]
    person = await person_of(session_factory, 103)
    assert person is not None
    assert person.active_role == Role.PARENT

    answer = await coordinator.press("role:admin")
    assert answer == "У вас нет такой роли."
    person = await person_of(session_factory, 103)
    assert person is not None
    assert person.active_role == Role.PARENT

    await coordinator.click("Сменить роль")
    await coordinator.click("Координатор")
    assert "[📥 Заявления на рассмотрение]" in coordinator.screen()
    assert "review" in telegram.commands[103]
    person = await person_of(session_factory, 103)
    assert person is not None
    assert person.active_role == Role.COORDINATOR
    assert len(telegram.messages(103)) == 2  # /menu and /role; the rest edited in place
