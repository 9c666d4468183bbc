"""Enumerations shared by models, services and texts (locale keys derive from the values)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    STUDENT = "student"
    PARENT = "parent"
    TEACHER = "teacher"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Gender(enum.StrEnum):
    """A person's grammatical gender, for the texts about them («зачислен» or «зачислена»)."""

    MALE = "male"
    FEMALE = "female"


class Messenger(enum.StrEnum):
    TELEGRAM = "telegram"
    MAX = "max"


class OrgKind(enum.StrEnum):
    SCHOOL = "school"
    RESOURCE_CENTRE = "resource_centre"
    ART_SCHOOL = "art_school"
    COLLEGE = "college"
    UNIVERSITY = "university"


class Direction(enum.StrEnum):
    MATH = "math"
    SCIENCE = "science"
    IT = "it"
    LANGUAGES = "languages"
    HUMANITIES = "humanities"
    ART = "art"
    MUSIC = "music"
    DANCE = "dance"
    SPORT = "sport"
    TECHNOLOGY = "technology"


class CourseFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    BLENDED = "blended"


class LessonStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    MOVED = "moved"


class ApplicationState(enum.StrEnum):
    SUBMITTED = "submitted"
    AWAITING_PARENT = "awaiting_parent"
    AWAITING_SCHOOL = "awaiting_school"
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    DECLINED_BY_PARENT = "declined_by_parent"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    GROUP_CANCELLED = "group_cancelled"


ACTIVE_APPLICATION_STATES = frozenset(
    {
        ApplicationState.SUBMITTED,
        ApplicationState.AWAITING_PARENT,
        ApplicationState.AWAITING_SCHOOL,
        ApplicationState.ENROLLED,
        ApplicationState.WAITLISTED,
    }
)


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    LATE = "late"
    EXCUSED = "excused"


class Priority(enum.IntEnum):
    URGENT = 0
    NORMAL = 1
    BULK = 2


class NotificationState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class AgreementState(enum.StrEnum):
    """An agreement on the network form of a programme (договор о сетевой форме)."""

    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class AgreementEventKind(enum.StrEnum):
    CREATED = "created"
    ACTIVATED = "activated"
    EXTENDED = "extended"
    TERMINATED = "terminated"
    EXPIRED = "expired"
    COURSE_ADDED = "course_added"
    COURSE_REMOVED = "course_removed"
