from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum
from models.enums import AttendanceStatus


class AttendanceMark(Base):
    """Whether a student came to a lesson, and who said so."""

    __tablename__ = "attendance_marks"
    __table_args__ = (UniqueConstraint("lesson_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(str_enum(AttendanceStatus))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime]
    # How many times this mark has turned to "absent": each turn tells the parents once.
    absences: Mapped[int] = mapped_column(default=0)
    # How many of those turns the student's home coordinator has been told of (in a digest).
    reported_absences: Mapped[int] = mapped_column(default=0)
