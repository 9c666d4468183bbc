from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum, utcnow
from models.enums import CourseFormat, Direction, LessonStatus


class Course(Base):
    """A programme an organisation offers to the whole network."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(
            "grade_min BETWEEN 1 AND 11 AND grade_max BETWEEN grade_min AND 11", name="grades"
        ),
        CheckConstraint("hours > 0", name="hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    provider_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    direction: Mapped[Direction] = mapped_column(str_enum(Direction), index=True)
    format: Mapped[CourseFormat] = mapped_column(str_enum(CourseFormat))
    grade_min: Mapped[int]
    grade_max: Mapped[int]
    hours: Mapped[int]
    is_paid: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    groups: Mapped[list[Group]] = relationship(back_populates="course", lazy="raise")


class Group(Base):
    """A class of a course: a teacher, a place, seats and a timetable."""

    __tablename__ = "groups"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity"),
        CheckConstraint("min_size >= 1", name="min_size"),
        CheckConstraint("end_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    place: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int]
    min_size: Mapped[int] = mapped_column(Integer, default=10)
    start_date: Mapped[date]
    end_date: Mapped[date]
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The coordinator decided to run the group below its minimum size.
    run_anyway_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="groups", lazy="raise")
    slots: Mapped[list[WeeklySlot]] = relationship(
        back_populates="group", lazy="raise", order_by="WeeklySlot.weekday"
    )


class WeeklySlot(Base):
    """A recurring lesson time, in the provider organisation's local time."""

    __tablename__ = "weekly_slots"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("end_time > start_time", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    start_time: Mapped[time]
    end_time: Mapped[time]

    group: Mapped[Group] = relationship(back_populates="slots", lazy="raise")


class Lesson(Base):
    """One meeting of a group."""

    __tablename__ = "lessons"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="times"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    # Indexed for the attendance reminders, which look for lessons that ended a while ago.
    ends_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[LessonStatus] = mapped_column(
        str_enum(LessonStatus), default=LessonStatus.SCHEDULED
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    # Where a moved lesson was first planned; a one-off lesson added by hand is "extra".
    original_starts_at: Mapped[datetime | None]
    is_extra: Mapped[bool] = mapped_column(default=False)
    # Calendar revision: grows with every change, so calendar apps replace their copy.
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonEvent(Base):
    """One change of a lesson: added, cancelled or moved, by whom and why."""

    __tablename__ = "lesson_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    old_starts_at: Mapped[datetime | None]
    new_starts_at: Mapped[datetime | None]
    old_place: Mapped[str] = mapped_column(String(200), default="")
    new_place: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class GroupMessage(Base):
    """A message a teacher wrote to a group."""

    __tablename__ = "group_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    include_parents: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
