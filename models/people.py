from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum, utcnow
from models.enums import Gender, Messenger, Role


class Person(Base):
    """A human being, whatever roles and messengers they use."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint("grade IS NULL OR grade BETWEEN 1 AND 11", name="grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    home_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    grade: Mapped[int | None]
    # Stored only when the name does not tell it (services/names.py infers it otherwise): the
    # person was asked once, at registration.
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender))
    active_role: Mapped[Role | None] = mapped_column(str_enum(Role))
    # The school's own code for a teacher or student brought in by a spreadsheet import:
    # the next import of the same list finds them by it.
    external_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan"
    )
    accounts: Mapped[list[Account]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan"
    )


class Account(Base):
    """One messenger identity of a person: where to reach them."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("messenger", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    messenger: Mapped[Messenger] = mapped_column(str_enum(Messenger))
    user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # The person wants notifications here; at least one of their accounts keeps it on.
    notify: Mapped[bool] = mapped_column(default=True, server_default=true())
    unreachable_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="accounts", lazy="raise")


class AccountLinkCode(Base):
    """A one-time code shown in one messenger and typed in another, so both accounts
    become one person (a parent on MAX and a child on Telegram stay one family)."""

    __tablename__ = "account_link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class RoleGrant(Base):
    """A role a person holds, in an organisation where the role needs one."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("person_id", "role", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="roles", lazy="raise")


class ParentLink(Base):
    """A legal representative and a child."""

    __tablename__ = "parent_links"
    __table_args__ = (
        UniqueConstraint("parent_id", "child_id"),
        CheckConstraint("parent_id <> child_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ParentLinkCode(Base):
    """A one-time code a student shows to a parent to link them."""

    __tablename__ = "parent_link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Invite(Base):
    """A one-time invitation granting a staff role in an organisation."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # A join code for a person imported from a spreadsheet: whoever accepts it becomes them.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DataConsent(Base):
    """A legal representative's consent to process a child's personal data (152-FZ art. 9):
    a separate, specific act, with the version of the text agreed to. Withdrawn, not deleted:
    the record of having had consent is itself something the school must be able to show."""

    __tablename__ = "data_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
