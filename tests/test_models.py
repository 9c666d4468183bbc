"""The schema: migrations match the models, and the constraints protect the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models import (
    Account,
    Application,
    AttendanceMark,
    Base,
    Lesson,
    Notification,
    ParentLink,
    Person,
)
from models.db import create_engine
from models.enums import ApplicationState, AttendanceStatus, Messenger, Role
from services import outbox
from tests import factories


async def test_migrations_match_the_models(engine) -> None:
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_a_model_change_without_migration_is_noticed(engine) -> None:
    """The comparison above is not blind: a column missing from the database shows up."""
    from sqlalchemy import Column, Integer, MetaData, Table

    extra = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extra)
    Table("people", extra, Column("nickname", Integer), extend_existing=True)

    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), extra)

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert any(change[0] == "add_column" and change[3].name == "nickname" for change in changes)


async def test_sqlite_pragmas(sqlite_url) -> None:
    engine = create_engine(sqlite_url)
    async with engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
    await engine.dispose()


async def test_foreign_keys_are_enforced(session) -> None:
    session.add(ParentLink(parent_id=9999, child_id=9998))
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_one_active_application_per_student_and_group(session, clock) -> None:
    net = await factories.network(session)
    await factories.enrolled(session, net.group, net.student, ApplicationState.WITHDRAWN)
    await factories.enrolled(session, net.group, net.student, ApplicationState.REJECTED)
    await factories.enrolled(session, net.group, net.student, ApplicationState.AWAITING_PARENT)
    session.add(
        Application(
            student_id=net.student.id,
            group_id=net.group.id,
            state=ApplicationState.WAITLISTED,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
    )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_one_mark_per_lesson_and_student(session, clock) -> None:
    net = await factories.network(session)
    lesson = Lesson(
        group_id=net.group.id, starts_at=clock.now(), ends_at=clock.now() + timedelta(hours=1)
    )
    session.add(lesson)
    await session.flush()
    for status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT):
        session.add(
            AttendanceMark(
                lesson_id=lesson.id, student_id=net.student.id, status=status, marked_at=clock.now()
            )
        )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_one_account_per_messenger_identity(session) -> None:
    a, b = Person(full_name="А"), Person(full_name="Б")
    session.add_all([a, b])
    await session.flush()
    session.add_all(
        [
            Account(person_id=a.id, messenger=Messenger.TELEGRAM, user_id=5, chat_id=5),
            Account(person_id=b.id, messenger=Messenger.TELEGRAM, user_id=5, chat_id=5),
        ]
    )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_notification_dedupe_key_is_unique(session, clock) -> None:
    student = await factories.person(session, "Иванов Иван", Role.STUDENT)
    for _ in range(3):
        await outbox.notify(
            session,
            person_id=student.id,
            kind="notify-enrolled",
            dedupe_key="same",
            now=clock.now(),
        )
    rows = (await session.scalars(text("SELECT id FROM notifications"))).all()
    assert len(rows) == 1
    session.add(
        Notification(
            person_id=student.id,
            kind="x",
            dedupe_key="same",
            next_attempt_at=clock.now(),
            created_at=clock.now(),
        )
    )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_lazy_loading_is_refused(session) -> None:
    """Async code must load relationships explicitly; a forgotten one fails loudly."""
    from sqlalchemy.exc import InvalidRequestError

    net = await factories.network(session)
    session.expunge_all()
    person = await session.get(Person, net.student.id)
    with pytest.raises(InvalidRequestError):
        _ = person.roles
