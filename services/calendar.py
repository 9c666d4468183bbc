"""A student's lessons as an iCalendar file that calendar apps keep in step with changes."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from models.enums import LessonStatus
from services.lessons import LessonInfo

PRODID = "-//School network bot//RU"
UID_DOMAIN = "school-network-bot"


def lesson_uid(lesson_id: int) -> str:
    """Stable for the life of the lesson, so an updated file replaces the old event."""
    return f"lesson-{lesson_id}@{UID_DOMAIN}"


def calendar_file(lessons: list[LessonInfo], name: str, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for info in lessons:
        lesson = info.lesson
        event = Event()
        event.add("uid", lesson_uid(lesson.id))
        event.add("dtstamp", now)
        event.add("last-modified", lesson.updated_at)
        event.add("sequence", lesson.sequence)
        event.add("dtstart", lesson.starts_at)
        event.add("dtend", lesson.ends_at)
        event.add("summary", f"{info.course.title} ({info.group.code})")
        event.add("location", ", ".join(p for p in (info.provider.short_name, lesson.place) if p))
        cancelled = lesson.status == LessonStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if lesson.reason:
            event.add("description", lesson.reason)
        cal.add_component(event)
    return bytes(cal.to_ical())
