from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum
from models.enums import NotificationState


class Notification(Base):
    """Something a person must be told; written with the change, delivered later.

    The text is rendered at send time from `kind` (a locale key) and `params`, in the
    recipient's language of that moment.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "state", "priority", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What the message is about, for a button that opens it: {"to": "application", "id": 5}.
    link: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    priority: Mapped[int] = mapped_column(default=1)
    state: Mapped[NotificationState] = mapped_column(
        str_enum(NotificationState), default=NotificationState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The broadcast this message is part of: its progress is counted from these rows.
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL"), index=True
    )
