"""Personas: the demo network's people (and new ones) as fake Telegram or MAX users.

Each demo persona gets an account row on their messenger linking a made-up user id to the demo
Person, so the bot recognises them exactly as it would recognise a real user; creating the rows
is idempotent. A MAX account's chat id is its dialog's (MAX dialog ids differ from user ids).
New personas are fresh users who register through /start like anyone else.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import demo_data as demo
from models import Account, Notification, Organisation, ParentLink, Person, RoleGrant
from models.enums import Messenger, NotificationState, Role

# Fake user ids, which are also persona ids: demo people get DEMO_BASE + person id on Telegram
# and MAX_DEMO_BASE + person id on MAX, new personas NEW_BASE + n on either.
DEMO_BASE = 100_000
MAX_DEMO_BASE = 300_000
NEW_BASE = 500_000
SANDBOX_MESSENGERS = (Messenger.TELEGRAM, Messenger.MAX)
DEMO_PEOPLE = (
    demo.DEMO_STUDENT_NAME,
    demo.DEMO_PARENT_NAME,
    demo.DEMO_STUDENT_SOSH4_NAME,
    demo.DEMO_PARENT_SOSH4_NAME,
    demo.DEMO_TEACHER_SOSH4_NAME,
    demo.DEMO_TEACHER_DSHI_NAME,
    demo.DEMO_TEACHER_COLLEGE_NAME,
    demo.DEMO_COORDINATOR_SOSH5_NAME,
    demo.DEMO_COORDINATOR_SOSH4_NAME,
    demo.DEMO_COORDINATOR_DSHI_NAME,
    demo.DEMO_COORDINATOR_COLLEGE_NAME,
    demo.DEMO_ADMIN_NAME,
)
ROLE_ORDER = (Role.STUDENT, Role.PARENT, Role.TEACHER, Role.COORDINATOR, Role.ADMIN)
ROLE_LABELS = {
    Role.STUDENT: "Student",
    Role.PARENT: "Parent",
    Role.TEACHER: "Teacher",
    Role.COORDINATOR: "Coordinator",
    Role.ADMIN: "Network admin",
}


@dataclass(frozen=True)
class Persona:
    user_id: int
    name: str
    role: str  # the first role held, or "new"
    title: str  # what the persona is, in one line (English, for scripts)
    demo: bool
    messenger: str = Messenger.TELEGRAM.value
    # The same in parts, for the page to say in its own language.
    roles: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    grade: int | None = None

    def json(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "name": self.name,
            "role": self.role,
            "title": self.title,
            "about": {
                "roles": list(self.roles),
                "children": list(self.children),
                "orgs": list(self.orgs),
                "grade": self.grade,
            },
            "demo": self.demo,
            "messenger": self.messenger,
            "url": f"/?open={self.user_id}",
        }


def telegram_names(full_name: str) -> tuple[str, str]:
    """First and last name for Telegram from "Фамилия Имя [Отчество]"."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name or "User", ""
    return parts[1], parts[0]


async def ensure_demo_accounts(session: AsyncSession, on_max: Collection[str] = ()) -> int:
    """Give every demo persona an account on their messenger: MAX for the names in `on_max`,
    else Telegram (idempotent; a persona moved to the other messenger keeps one account, moved).
    A chat is addressed by the person's id on both messengers (MAX allows it for dialogs).
    Returns how many accounts were added or moved."""
    people = (
        await session.execute(
            select(Person.id, Person.full_name).where(Person.full_name.in_(DEMO_PEOPLE))
        )
    ).all()
    accounts = {
        account.person_id: account
        for account in await session.scalars(
            select(Account).where(
                Account.messenger.in_(SANDBOX_MESSENGERS),
                Account.user_id >= DEMO_BASE,
                Account.user_id < NEW_BASE,
            )
        )
    }
    changed = 0
    for person_id, full_name in people:
        messenger = Messenger.MAX if full_name in on_max else Messenger.TELEGRAM
        base = MAX_DEMO_BASE if messenger is Messenger.MAX else DEMO_BASE
        account = accounts.get(person_id)
        if account is not None and account.messenger == messenger:
            continue
        if account is None:
            account = Account(person_id=person_id, messenger=messenger)
            session.add(account)
        account.messenger, account.user_id = messenger, base + person_id
        account.chat_id = account.user_id
        account.unreachable_since = None
        changed += 1
    await session.flush()
    return changed


async def max_personas(session: AsyncSession) -> list[tuple[int, str]]:
    """The sandbox's MAX personas (user id, full name): the fake MAX lives in memory, so their
    dialogs are opened anew on each start."""
    rows = await session.execute(
        select(Account.user_id, Person.full_name)
        .join(Person, Person.id == Account.person_id)
        .where(Account.messenger == Messenger.MAX, Account.user_id >= DEMO_BASE)
        .order_by(Account.user_id)
    )
    return [(user_id, full_name or "") for user_id, full_name in rows]


async def load_personas(session: AsyncSession) -> list[Persona]:
    """Everyone with a sandbox account (Telegram or MAX), students first, then parents, staff,
    admin."""
    rows = (
        await session.execute(
            select(Account.user_id, Account.messenger, Person)
            .join(Person, Person.id == Account.person_id)
            .where(Account.messenger.in_(SANDBOX_MESSENGERS), Account.user_id >= DEMO_BASE)
        )
    ).all()
    person_ids = [person.id for _, _, person in rows]
    grants: dict[int, list[tuple[Role, int | None]]] = {pid: [] for pid in person_ids}
    for grant in await session.scalars(
        select(RoleGrant).where(RoleGrant.person_id.in_(person_ids))
    ):
        grants[grant.person_id].append((grant.role, grant.organisation_id))
    orgs = dict((await session.execute(select(Organisation.id, Organisation.short_name))).all())
    children: dict[int, list[str]] = {}
    for parent_id, child_name in await session.execute(
        select(ParentLink.parent_id, Person.full_name)
        .join(Person, Person.id == ParentLink.child_id)
        .where(ParentLink.parent_id.in_(person_ids))
    ):
        children.setdefault(parent_id, []).append(child_name)
    personas = [
        _persona(user_id, person, grants[person.id], orgs, children.get(person.id, []), messenger)
        for user_id, messenger, person in rows
    ]
    order = {role.value: i for i, role in enumerate(ROLE_ORDER)}
    return sorted(personas, key=lambda p: (order.get(p.role, 99), not p.demo, p.name))


def _persona(
    user_id: int,
    person: Person,
    grants: list[tuple[Role, int | None]],
    orgs: dict[int, str],
    children: list[str],
    messenger: Messenger,
) -> Persona:
    roles = sorted({role for role, _ in grants}, key=ROLE_ORDER.index)
    labels = [ROLE_LABELS[r] if i == 0 else ROLE_LABELS[r].lower() for i, r in enumerate(roles)]
    head = ", ".join(labels)
    if children:
        head += (" of " if roles == [Role.PARENT] else " · parent of ") + ", ".join(
            sorted(children)
        )
    org_names = sorted({orgs[org] for _, org in grants if org is not None})
    parts = [head, *org_names]
    if person.grade:
        parts.append(f"grade {person.grade}")
    title = " · ".join(p for p in parts if p) or "New user, not registered yet"
    return Persona(
        user_id=user_id,
        name=person.full_name or f"User {user_id}",
        role=roles[0].value if roles else "new",
        title=title,
        demo=user_id < NEW_BASE,
        messenger=messenger.value,
        roles=tuple(role.value for role in roles),
        children=tuple(sorted(children)),
        orgs=tuple(org_names),
        grade=person.grade,
    )


async def held_notifications(
    session: AsyncSession, user_id: int, now: datetime, messenger: str = Messenger.TELEGRAM.value
) -> list[tuple[str, datetime]]:
    """Notifications for this persona that wait for a later moment (quiet hours, a retry),
    as (kind, due), soonest first."""
    rows = await session.execute(
        select(Notification.kind, Notification.next_attempt_at)
        .join(Account, Account.person_id == Notification.person_id)
        .where(
            Account.messenger == Messenger(messenger),
            Account.user_id == user_id,
            Notification.state == NotificationState.PENDING,
            Notification.next_attempt_at > now,
        )
        .order_by(Notification.next_attempt_at)
    )
    return [(kind, due) for kind, due in rows]
