"""The data: SQLAlchemy models, engine and session factory, migrations."""

from models.agreements import Agreement, AgreementCourse, AgreementEvent
from models.attendance import AttendanceMark
from models.audit import AuditRecord
from models.base import Base
from models.broadcast import Broadcast
from models.catalogue import Course, Group, GroupMessage, Lesson, LessonEvent, WeeklySlot
from models.enrollment import Application, ApplicationEvent
from models.network import Holiday, JobMark, MessageRef, NetworkSettings, ProcessedUpdate
from models.organisation import Organisation
from models.outbox import Notification
from models.people import (
    Account,
    AccountLinkCode,
    DataConsent,
    Invite,
    ParentLink,
    ParentLinkCode,
    Person,
    RoleGrant,
)

__all__ = [
    "Account",
    "AccountLinkCode",
    "Agreement",
    "AgreementCourse",
    "AgreementEvent",
    "Application",
    "ApplicationEvent",
    "AttendanceMark",
    "AuditRecord",
    "Base",
    "Broadcast",
    "Course",
    "DataConsent",
    "Group",
    "GroupMessage",
    "Holiday",
    "Invite",
    "JobMark",
    "Lesson",
    "LessonEvent",
    "MessageRef",
    "NetworkSettings",
    "Notification",
    "Organisation",
    "ParentLink",
    "ParentLinkCode",
    "Person",
    "ProcessedUpdate",
    "RoleGrant",
    "WeeklySlot",
]
