"""The network admin in chat: organisations, the academic year, quiet hours, the minimum group
size; bad input is refused with a clear message and changes nothing; each change is audited."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from handlers.admin import Adm, AdmKind
from models import AuditRecord, Invite, NetworkSettings, Organisation
from models.enums import OrgKind, Role
from services import admin as admin_service
from services import broadcasts
from services.errors import Invalid
from tests import factories
from tests.test_broadcasts import drain

ADMIN = 900


async def _network(session):
    net = await factories.network(session)
    await factories.person(session, "Григорьева Наталья", Role.ADMIN, telegram_id=ADMIN)
    await session.commit()
    return net


async def _settings(session_factory) -> NetworkSettings | None:
    async with session_factory() as s:
        return await s.get(NetworkSettings, 1)


async def _audit(session_factory, action: str) -> list[AuditRecord]:
    async with session_factory() as s:
        rows = await s.scalars(select(AuditRecord).where(AuditRecord.action == action))
        return list(rows.all())


async def _org(session_factory, code: str) -> Organisation | None:
    async with session_factory() as s:
        return await s.scalar(select(Organisation).where(Organisation.code == code))


async def test_the_admin_menu_links_every_part(session, session_factory, client_factory):
    await _network(session)
    admin = client_factory(ADMIN)
    await admin.send("/menu")
    await admin.click("Управление сетью")
    screen = admin.screen()
    for label in (
        "Организации",
        "Настройки сети",
        "Пригласить сотрудника",
        "Рассылка",
        "Профильный день",
        "Выходные дни",
        "Журнал",
    ):
        assert label in screen, label
    await admin.click("Выходные дни")
    assert "31.12.2026" in admin.screen()
    await admin.send("/admin")
    await admin.click("Профильный день")
    await admin.click("ср")
    assert "<b>среда</b>" in admin.screen()
    (entry,) = await _audit(session_factory, "network.profile_day")
    assert entry.details == {"weekday": 2}


async def test_non_admins_are_refused(session, session_factory, client_factory):
    net = await _network(session)
    coordinator = client_factory(103)
    await coordinator.send("/admin")
    assert "только администратору сети" in coordinator.screen()
    await coordinator.send("/settings")
    assert "только администратору сети" in coordinator.screen()
    for data in (
        Adm(action="settings").pack(),
        Adm(action="year").pack(),
        Adm(action="org_quiet", org=net.home.id).pack(),
        AdmKind(kind=OrgKind.SCHOOL).pack(),
    ):
        answer = await coordinator.press(data, 1)
        assert answer, data
        assert "только администратору сети" in answer, data
    await coordinator.send("01.09.2026-31.05.2027")
    assert "Сейчас я не жду сообщения" in coordinator.replies()
    assert (await _settings(session_factory)) is None or (
        await _settings(session_factory)
    ).year_start is None


async def test_academic_year_bad_input_changes_nothing_good_input_is_stored_and_audited(
    session, session_factory, client_factory
):
    await _network(session)
    admin = client_factory(ADMIN)
    await admin.send("/settings")
    assert "Учебный год: не задан" in admin.screen()
    await admin.click("Учебный год")
    for bad, says in (
        ("2026-09-01", "две даты через дефис"),
        ("01.09.2026", "две даты через дефис"),
        ("31.05.2027-01.09.2026", "позже начала"),
        ("01.09.2026-31.12.2027", "не может быть длиннее 400 дней"),
        ("31.02.2026-31.05.2027", "две даты через дефис"),
    ):
        await admin.send(bad)
        assert says in admin.screen(), bad
    stored = await _settings(session_factory)
    assert stored is None or stored.year_start is None
    assert not await _audit(session_factory, "network.year")

    await admin.send("01.09.2026 – 31.05.2027")
    stored = await _settings(session_factory)
    assert (stored.year_start, stored.year_end) == (date(2026, 9, 1), date(2027, 5, 31))
    assert "1 сентября 2026 — 31 мая 2027" in admin.screen()
    (entry,) = await _audit(session_factory, "network.year")
    assert entry.details == {"start": "2026-09-01", "end": "2027-05-31"}
    async with session_factory() as s:
        defaults = await admin_service.group_defaults(s)
    assert (defaults.start, defaults.end) == (date(2026, 9, 1), date(2027, 5, 31))


async def test_minimum_group_size(session, session_factory, client_factory):
    await _network(session)
    admin = client_factory(ADMIN)
    await admin.send("/settings")
    assert "Минимальный размер новой группы: 10" in admin.screen()
    await admin.click("Минимум группы")
    for bad in ("0", "ten", "-3", "101", "7.5"):
        await admin.send(bad)
        assert "целое число от 1 до 100" in admin.screen(), bad
    assert not await _audit(session_factory, "network.min_group_size")
    await admin.send("12")
    assert "Минимальный размер новой группы: 12" in admin.screen()
    (entry,) = await _audit(session_factory, "network.min_group_size")
    assert entry.details == {"old": 10, "new": 12}
    async with session_factory() as s:
        assert (await admin_service.group_defaults(s)).min_size == 12


async def test_network_quiet_hours_override_the_default_and_hold_bulk_messages(
    session, session_factory, client_factory, deliverer, telegram, clock
):
    """09:00 in Moscow. The default (21:00-08:00) lets a broadcast through; the network's own
    08:00-10:00 holds it; the home school's own 20:00-07:00 lets its people through."""
    net = await _network(session)
    telegram.known_chats.update({101, 201})
    admin = client_factory(ADMIN)
    await admin.send("/settings")
    assert "21:00–08:00 (по умолчанию)" in admin.screen()
    await admin.click("Тихие часы")
    for bad, says in (
        ("25:00-08:00", "через дефис"),
        ("21:00", "через дефис"),
        ("вечером", "через дефис"),
        ("08:00-08:00", "совпадают"),
    ):
        await admin.send(bad)
        assert says in admin.screen(), bad
    assert not await _audit(session_factory, "network.quiet_hours")
    await admin.send("08:00-10:00")
    assert "Тихие часы (для организаций без своих): 08:00–10:00" in admin.screen()

    await admin.send("/orgs")
    await admin.click("МБОУ СОШ № 5")
    assert "как в сети (08:00–10:00)" in admin.screen()
    await admin.click("Тихие часы")
    await admin.send("20:00-07:00")
    assert "Тихие часы: 20:00–07:00" in admin.screen()
    assert len(await _audit(session_factory, "network.quiet_hours")) == 1
    (entry,) = await _audit(session_factory, "organisation.quiet_hours")
    assert entry.object_id == net.home.id
    assert entry.details == {"quiet": "20:00-07:00"}

    async with session_factory() as s:
        actor = await net.actor(s, net.coordinator)
        other = await net.actor(s, net.other_coordinator)
        for who, org in ((actor, net.home), (other, net.other)):
            await broadcasts.send(
                s,
                who,
                broadcasts.Audience(org.id, frozenset({Role.STUDENT})),
                "Собрание",
                token=f"t{org.id}",
                now=clock.now(),
            )
        await s.commit()
    await drain(deliverer, session_factory)
    assert any("Собрание" in m.text for m in telegram.messages(101)), "own quiet hours: 20-07"
    assert not any("Собрание" in m.text for m in telegram.messages(201)), "network's: 08-10"
    clock.advance(timedelta(hours=1))
    await drain(deliverer, session_factory)
    assert any("Собрание" in m.text for m in telegram.messages(201))

    await admin.send("/settings")
    await admin.click("Тихие часы")
    await admin.send("-")
    assert "21:00–08:00 (по умолчанию)" in admin.screen()
    stored = await _settings(session_factory)
    assert (stored.quiet_start, stored.quiet_end) == (None, None)


async def test_add_an_organisation(session, session_factory, client_factory):
    await _network(session)
    admin = client_factory(ADMIN)
    await admin.send("/orgs")
    assert "Организации сети</b>: 3" in admin.screen()
    await admin.click("Добавить организацию")
    for bad, says in (
        ("sosh7 МБОУ СОШ № 7", "четыре части"),
        ("Школа 7; МБОУ СОШ № 7; СОШ № 7; Europe/Moscow", "Код — от 2 до 32"),
        ("sosh5; МБОУ СОШ № 7; СОШ № 7; Europe/Moscow", "«sosh5» уже занят"),
        ("sosh7; ; СОШ № 7; Europe/Moscow", "Название — от 1 до 200"),
        ("sosh7; МБОУ СОШ № 7; СОШ № 7; Moscow", "Не знаю часового пояса «Moscow»"),
        ("sosh7; МБОУ СОШ № 7; СОШ № 7; Europe/Atlantis", "Не знаю часового пояса"),
    ):
        await admin.send(bad)
        assert says in admin.screen(), bad
    assert await _org(session_factory, "sosh7") is None

    await admin.send("Sosh7; МБОУ СОШ № 7; СОШ № 7; Asia/Yekaterinburg")
    assert "Какого вида организация «СОШ № 7»" in admin.screen()
    assert await _org(session_factory, "sosh7") is None, "not before the kind is chosen"
    await admin.click("ресурсный центр")
    org = await _org(session_factory, "sosh7")
    assert (org.name, org.short_name, org.kind, org.timezone) == (
        "МБОУ СОШ № 7",
        "СОШ № 7",
        OrgKind.RESOURCE_CENTRE,
        "Asia/Yekaterinburg",
    )
    assert "Часовой пояс: Asia/Yekaterinburg" in admin.screen()
    (entry,) = await _audit(session_factory, "organisation.created")
    assert entry.object_id == org.id
    assert entry.details["code"] == "sosh7"
    answer = await admin.press(AdmKind(kind=OrgKind.SCHOOL).pack())
    assert answer, "a second tap adds nothing"
    assert "устарела" in answer, "a second tap adds nothing"


async def test_rename_and_invite_a_coordinator_from_the_card(
    session, session_factory, client_factory
):
    net = await _network(session)
    admin = client_factory(ADMIN)
    await admin.send("/orgs")
    await admin.click("МБОУ СОШ № 5")
    assert "Координаторы: Петрова Марина" in admin.screen()
    await admin.click("Название")
    await admin.send("   ")
    await admin.send("123")
    assert "Название — от 1 до 200" in admin.screen()
    await admin.send("МБОУ «Гимназия № 5»; Гимназия № 5")
    org = await _org(session_factory, "sosh5")
    assert (org.name, org.short_name) == ("МБОУ «Гимназия № 5»", "Гимназия № 5")
    assert "Гимназия № 5" in admin.screen()
    (entry,) = await _audit(session_factory, "organisation.renamed")
    assert entry.details["old"]["name"] == "МБОУ СОШ № 5"

    await admin.click("Пригласить координатора")
    assert "t.me/" in admin.screen()
    async with session_factory() as s:
        invite = await s.scalar(select(Invite))
        assert (invite.role, invite.organisation_id) == (Role.COORDINATOR, net.home.id)


def test_typed_values_are_parsed_strictly() -> None:
    assert admin_service.parse_quiet_hours("21:00-08:00") == (time(21), time(8))
    assert admin_service.parse_quiet_hours(" 7.30 — 9.00 ") == (time(7, 30), time(9))
    assert admin_service.parse_year("01.09.2026-31.05.2027") == (
        date(2026, 9, 1),
        date(2027, 5, 31),
    )
    for bad in ("21-08", "21:00-8", "24:00-08:00", "21:60-08:00"):
        with pytest.raises(Invalid):
            admin_service.parse_quiet_hours(bad)
    for bad in ("1.9.26-31.5.27", "01.09.2026-", "-31.05.2027"):
        with pytest.raises(Invalid):
            admin_service.parse_year(bad)
