from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import BigInteger, CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

# A group runs with at least this many students unless it says otherwise (regulation 8.1).
MIN_GROUP_SIZE = 10


class Holiday(Base):
    """A day without lessons across the network."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")


class NetworkSettings(Base):
    """Settings of the whole network, kept in one row and changed by the network admin."""

    __tablename__ = "network_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint(
            "profile_weekday IS NULL OR profile_weekday BETWEEN 0 AND 6", name="profile_weekday"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    # The common "profile day" of the network's schools (seeds 001, 6.2), Monday = 0.
    profile_weekday: Mapped[int | None]
    # The academic year: the default dates of a new group.
    year_start: Mapped[date | None]
    year_end: Mapped[date | None]
    # Quiet hours of organisations that set none of their own (else the QUIET_* settings).
    quiet_start: Mapped[time | None]
    quiet_end: Mapped[time | None]
    # The minimum size of a group created without one of its own (regulation 8.1: ten).
    min_group_size: Mapped[int] = mapped_column(
        default=MIN_GROUP_SIZE, server_default=str(MIN_GROUP_SIZE)
    )


class ProcessedUpdate(Base):
    """An update already handled: Telegram redelivers when a webhook answers late, and
    several webhook processes may each get a copy; only the first is acted on."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(index=True)


class JobMark(Base):
    """How far a periodic job has looked: the next tick looks only at what came due since.

    Written in the same transaction as what the job queued, so a crash repeats nothing and a
    long stop is caught up on the next tick."""

    __tablename__ = "job_marks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    done_until: Mapped[datetime]


class MessageRef(Base):
    """A messenger's own message id (MAX uses strings) behind the number handlers see.

    aiogram's types number messages; MAX names them `mid.…`. Every MAX message the bot sends
    or is pressed on gets a number here, so a handler can edit it later, in any process."""

    __tablename__ = "message_refs"
    __table_args__ = (UniqueConstraint("messenger", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    messenger: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(index=True)
