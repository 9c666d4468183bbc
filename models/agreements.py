from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum
from models.enums import AgreementEventKind, AgreementState


class Agreement(Base):
    """An agreement on the network form of a programme between a student's home organisation
    and the organisation that teaches the courses (seeds 002, «ДОГОВОР о сетевой форме»)."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("home_org_id", "provider_org_id", "number"),
        CheckConstraint("ends_on >= starts_on", name="term"),
        CheckConstraint("home_org_id <> provider_org_id", name="parties"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64))
    signed_on: Mapped[date]
    home_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    provider_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date] = mapped_column(index=True)
    state: Mapped[AgreementState] = mapped_column(str_enum(AgreementState), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AgreementCourse(Base):
    """A course an agreement covers: always one of the providing organisation's."""

    __tablename__ = "agreement_courses"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AgreementEvent(Base):
    """One step of an agreement's history: who did what, when, and the details."""

    __tablename__ = "agreement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AgreementEventKind] = mapped_column(str_enum(AgreementEventKind))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
