"""Who is acting: a person with every role they hold, and what those roles reach.

Every authorisation check starts here; this module imports no other service, so any service
(the audit log among them) may take an Actor without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Role
from services.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    """Who is acting: the person and every role they hold, for authorisation checks."""

    person_id: int
    roles: frozenset[tuple[Role, int | None]]
    home_org_id: int | None = None
    grade: int | None = None

    def has(self, role: Role, org_id: int | None = None) -> bool:
        if org_id is None:
            return any(r == role for r, _ in self.roles)
        return (role, org_id) in self.roles

    def orgs(self, role: Role) -> set[int]:
        return {org for r, org in self.roles if r == role and org is not None}

    @property
    def role_set(self) -> set[Role]:
        return {r for r, _ in self.roles}

    def org_scope(self, role: Role | None = None) -> frozenset[int] | None:
        """The organisations this person acts for; None means every one: the network admin
        sees every organisation. Acting in a given `role` (a report read as a coordinator),
        only that role's organisations count, even for someone who is also the admin;
        without one, the widest role held (the admin's, else a coordinator's)."""
        if self.has(Role.ADMIN) and role in (None, Role.ADMIN):
            return None
        return frozenset(self.orgs(role or Role.COORDINATOR))

    def sees_org(self, org_id: int, role: Role | None = None) -> bool:
        """Whether `org_id` is within this person's reach (see `org_scope`)."""
        scope = self.org_scope(role)
        return scope is None or org_id in scope


def require_admin(actor: Actor) -> None:
    """The network admin's actions: everyone else is refused."""
    if not actor.has(Role.ADMIN):
        raise Forbidden("error-admins-only")
