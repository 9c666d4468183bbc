from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum, utcnow
from models.enums import OrgKind


class Organisation(Base):
    """A member of the network: a school, an art school, a college."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind))
    address: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    # Local hours when only urgent messages go out; empty means the network's default.
    quiet_start: Mapped[time | None]
    quiet_end: Mapped[time | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
