"""A teacher writes to a group: its students, and their parents if the teacher chooses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Group, GroupMessage, Person
from services import audience, catalogue, seats
from services.actor import Actor
from services.errors import Forbidden
from services.text import TextRule

# 3,000 characters leave room for the heading within Telegram's 4096.
MESSAGE = TextRule(3000, "error-message-empty", lines=True)


async def require_teacher_of(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    group = await catalogue.group_with_course(session, group_id)
    if not catalogue.may_manage(actor, group, group.course.provider_org_id):
        raise Forbidden("error-not-your-group")
    return group


def clean_message(text: str) -> str:
    return MESSAGE.clean(text)


async def write_to_group(
    session: AsyncSession,
    actor: Actor,
    group_id: int,
    text: str,
    *,
    include_parents: bool,
    now: datetime,
) -> int:
    """Queue the message for the group's students (and parents); returns the recipients."""
    group = await require_teacher_of(session, actor, group_id)
    body = clean_message(text)
    author = await session.get(Person, actor.person_id)
    message = GroupMessage(
        group_id=group.id,
        author_id=actor.person_id,
        text=body,
        include_parents=include_parents,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    students = await seats.student_ids(session, group.id)
    everyone = (
        await audience.families(session, students)
        if include_parents
        else [audience.Recipient(s) for s in students]
    )
    recipients = audience.join(everyone, leave_out=actor.person_id)
    await audience.tell(
        session,
        recipients,
        kind="notify-group-message",
        key_prefix=f"group-message:{message.id}",
        now=now,
        params={
            "author": author.full_name if author else "",
            "course": group.course.title,
            "group": group.code,
            "text": body,
        },
    )
    return len(recipients)
