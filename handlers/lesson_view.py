"""How a lesson reads on any screen: time in the reader's zone, cancellations and moves shown."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from handlers.ui import shows_whole
from models import LessonEvent, WeeklySlot
from models.enums import LessonStatus
from services.i18n import Html, Label, Text
from services.lessons import LessonInfo
from services.schedule import slot_for_reader

STATUS_ICONS = {
    LessonStatus.SCHEDULED: "🕒",
    LessonStatus.CANCELLED: "❌",
    LessonStatus.MOVED: "🔁",
}
PAST_ICON = "☑️"  # a lesson that has ended: it is there for its attendance, not to attend


def time_range(tr: Text, info: LessonInfo) -> str:
    start = info.lesson.starts_at.astimezone(tr.tz)
    end = info.lesson.ends_at.astimezone(tr.tz)
    return f"{tr.time(start.time())}–{tr.time(end.time())}"


def _icon(info: LessonInfo, now: datetime) -> str:
    if info.lesson.status != LessonStatus.CANCELLED and info.lesson.ends_at <= now:
        return PAST_ICON
    return STATUS_ICONS[info.lesson.status]


def button_label(tr: Text, info: LessonInfo, now: datetime) -> Label:
    """When and what; the group's code too where a phone shows it whole."""
    start = info.lesson.starts_at.astimezone(tr.tz)
    base = (
        f"{_icon(info, now)} {tr.weekday(start.weekday(), short=True)} "
        f"{start.day:02d}.{start.month:02d} {tr.time(start.time())} · {info.course.title}"
    )
    with_code = f"{base} ({info.group.code})"
    return Label(with_code if shows_whole(with_code) else base)


def slots_text(tr: Text, slots: list[WeeklySlot], provider_tz: str, today: date) -> str:
    """A group's weekly times on the reader's clock: «вт 15:00–16:30, чт 15:00–16:30»."""
    return ", ".join(
        f"{tr.weekday(s.weekday, short=True)} {tr.time(s.start)}–{tr.time(s.end)}"
        for s in (slot_for_reader(slot, provider_tz, tr.tz, today) for slot in slots)
    )


def lesson_line(tr: Text, info: LessonInfo, now: datetime) -> Html:
    """One line of a schedule, with what changed; a lesson that has ended is marked so."""
    lesson = info.lesson
    line = tr(
        "lesson-line",
        time=time_range(tr, info),
        course=info.course.title,
        group=info.group.code,
        place=lesson.place or info.provider.short_name,
    )
    if lesson.status == LessonStatus.CANCELLED:
        return Html(f"<s>{line}</s>\n    " + tr("lesson-cancelled-note", reason=lesson.reason))
    if lesson.status == LessonStatus.MOVED and lesson.original_starts_at is not None:
        note = tr(
            "lesson-moved-note", old=tr.datetime(lesson.original_starts_at), reason=lesson.reason
        )
        return Html(f"{line}\n    {note}")
    if lesson.ends_at <= now:
        return Html(f"{PAST_ICON} {line}")
    return line


def days_schedule(tr: Text, infos: list[LessonInfo], first: date, days: int, now: datetime) -> Html:
    """Lessons grouped by the reader's days, empty days left out."""
    by_day: dict[date, list[LessonInfo]] = {}
    for info in infos:
        by_day.setdefault(info.lesson.starts_at.astimezone(tr.tz).date(), []).append(info)
    parts = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        if day in by_day:
            heading = f"<b>{tr.day(day, wide=True)}</b>"
            parts.append("\n".join([heading, *(lesson_line(tr, i, now) for i in by_day[day])]))
    return Html("\n\n".join(parts))


def lesson_card(tr: Text, info: LessonInfo, events: list[LessonEvent], enrolled: int) -> Html:
    lesson = info.lesson
    lines = [
        tr(
            "lesson-card",
            course=info.course.title,
            group=info.group.code,
            provider=info.provider.short_name,
            when=f"{tr.datetime(lesson.starts_at)}–{tr.time(lesson.ends_at.astimezone(tr.tz).time())}",
            place=lesson.place or "—",
            status=tr(f"lesson-status-{lesson.status.value}"),
            enrolled=enrolled,
        )
    ]
    if lesson.reason:
        lines.append(tr("lesson-reason", reason=lesson.reason))
    if events:
        lines.append(tr("lesson-history"))
        lines += [_event_line(tr, event) for event in events]
    return Html("\n".join(lines))


def _event_line(tr: Text, event: LessonEvent) -> Html:
    return tr(
        f"lesson-event-{event.action}",
        at=tr.datetime(event.created_at),
        old=_when(tr, event.old_starts_at),
        new=_when(tr, event.new_starts_at),
    )


def _when(tr: Text, moment: datetime | None) -> str:
    return tr.datetime(moment) if moment else "—"
