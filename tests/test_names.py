"""People's names in Russian texts: declined, gendered, and the reader addressed as «вы»."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Person
from models.enums import ApplicationState, Gender
from services import enrollment
from services.i18n import Translator
from services.names import Case, Named, decline, infer_gender
from tests import factories


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Соколов Артём", Gender.MALE),
        ("Морозова Полина", Gender.FEMALE),
        ("Лебедева Ирина Сергеевна", Gender.FEMALE),
        ("Ким Саша Олегович", Gender.MALE),  # the patronymic tells where the name does not
        ("Артём Соколов", Gender.MALE),  # typed the other way round
        ("Ким Саша", None),
        ("Jane Smith", None),
        ("Иванов & сын", None),
    ],
)
def test_gender_from_the_name(name: str, gender: Gender | None) -> None:
    assert infer_gender(name) == gender


def test_names_in_cases() -> None:
    assert decline("Соколов Артём", Gender.MALE, Case.GEN) == "Соколова Артёма"
    assert decline("Лебедева Ирина Сергеевна", Gender.FEMALE, Case.DAT) == (
        "Лебедевой Ирине Сергеевне"
    )
    assert decline("Гусейнова-Петрова Анна", Gender.FEMALE, Case.INS) == (
        "Гусейновой-Петровой Анной"
    )
    # Unknown gender or not a Russian name: left as it is rather than guessed.
    assert decline("Ким Саша", None, Case.GEN) == "Ким Саша"
    assert decline("Иванов & сын", Gender.MALE, Case.GEN) == "Иванов & сын"


def test_texts_agree_with_the_person_and_speak_to_the_reader() -> None:
    ru = Translator().for_reader("ru", "Europe/Moscow", reader=7)
    params = {"course": "Хоровое пение", "group": "CHOIR-1"}
    her = Named(((8, "Морозова Полина", Gender.FEMALE),))
    him = Named(((9, "Соколов Артём", Gender.MALE),))
    me = Named(((7, "Соколов Артём", Gender.MALE),))
    assert ru("notify-enrolled", student=her, **params).startswith("✅ Морозова Полина зачислена")
    assert ru("notify-enrolled", student=him, **params).startswith("✅ Соколов Артём зачислен ")
    assert ru("notify-enrolled", student=me, **params).startswith("✅ Вы зачислены на курс")
    assert "заявление Морозовой Полины" in ru("notify-rejected", student=her, reason="—", **params)
    unknown = Named(((10, "Ким Саша", None),))
    text = ru("notify-enrolled", student=unknown, **params)
    assert text.startswith("✅ Ким Саша: зачисление на курс")
    en = Translator().for_reader("en", "Europe/Moscow", reader=7)
    assert en("notify-enrolled", student=me, **params).startswith("✅ You are enrolled in")


async def test_an_ambiguous_name_is_asked_about_once(session_factory, session, client_factory):
    net = await factories.network(session)
    await session.commit()
    newcomer = client_factory(510, "Саша")
    await newcomer.send("/start")
    await newcomer.click("Русский")
    await newcomer.click("Ученик")
    await newcomer.click(net.home.short_name)
    await newcomer.click("8")
    await newcomer.send("Ким Саша")
    assert "По имени «Ким Саша» бот этого не понял" in newcomer.screen()
    await newcomer.send("девочка")  # typed instead of pressed: asked again, nothing saved
    assert "кнопк" in newcomer.screen().lower()
    await newcomer.click("«Она записалась»")
    assert any("<b>Ким Саша</b> · Ученик" in t for t in newcomer.texts())
    async with session_factory() as s:
        person = await s.scalar(select(Person).where(Person.full_name == "Ким Саша"))
    assert person is not None
    assert person.gender == Gender.FEMALE

    clear = client_factory(511, "Артём")
    await clear.send("/start")
    await clear.click("Русский")
    await clear.click("Ученик")
    await clear.click(net.home.short_name)
    await clear.click("8")
    await clear.send("Соколов Артём")
    assert "<b>Соколов Артём</b> · Ученик" in clear.screen()  # the name tells: no question
    async with session_factory() as s:
        person = await s.scalar(select(Person).where(Person.full_name == "Соколов Артём"))
    assert person is not None
    assert person.gender is None  # stored only when asked


async def test_a_parent_reads_about_the_child_and_the_student_about_themselves(
    session, client_factory, deliverer, clock
):
    net = await factories.network(session)
    coordinator = await net.actor(session, net.coordinator)
    app = await factories.enrolled(
        session, net.group, net.student, ApplicationState.AWAITING_SCHOOL
    )
    await enrollment.school_approve(session, coordinator, app.id, clock.now())
    await session.commit()
    student = client_factory(101)
    parent = client_factory(102)
    await deliverer.deliver_due()
    assert "✅ Вы зачислены на курс" in student.screen()
    assert f"✅ {net.student.full_name} зачислен" in parent.screen()
    assert net.student.full_name not in student.screen()
