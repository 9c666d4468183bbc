from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum
from models.enums import ACTIVE_APPLICATION_STATES, ApplicationState, Role

_ACTIVE = ", ".join(f"'{s.value}'" for s in sorted(ACTIVE_APPLICATION_STATES))


class Application(Base):
    """A student's wish to attend a group, on its way to enrollment."""

    __tablename__ = "applications"
    __table_args__ = (
        # One live application per student and group; ended ones stay as history.
        Index(
            "uq_applications_active_student_group",
            "student_id",
            "group_id",
            unique=True,
            sqlite_where=text(f"state IN ({_ACTIVE})"),
            postgresql_where=text(f"state IN ({_ACTIVE})"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    state: Mapped[ApplicationState] = mapped_column(str_enum(ApplicationState), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # When the student got the seat: lessons before it are not theirs to be marked absent at.
    enrolled_at: Mapped[datetime | None]

    events: Mapped[list[ApplicationEvent]] = relationship(
        lazy="raise", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )


class ApplicationEvent(Base):
    """One step of an application's history: who moved it where, when and why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[ApplicationState | None] = mapped_column(str_enum(ApplicationState))
    to_state: Mapped[ApplicationState] = mapped_column(str_enum(ApplicationState))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    actor_role: Mapped[Role | None] = mapped_column(str_enum(Role))
    reason: Mapped[str] = mapped_column(String(500), default="")
    consent_version: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
