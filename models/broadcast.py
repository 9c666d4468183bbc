from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Broadcast(Base):
    """A message a coordinator or the network admin sent to many people at once.

    Its notifications point back to it, so how far delivery has got is counted from their
    states; the author's progress message is edited in place as the count changes.
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The draft it was sent from: a second tap on "send" finds it and sends nothing more.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # One organisation's people, or (empty) the whole network's.
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    # The roles reached, comma separated: "student,parent".
    audience: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    # Where the author watches it: the messenger, chat and message of the progress message.
    progress_messenger: Mapped[str] = mapped_column(
        String(16), default="telegram", server_default="telegram"
    )
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The counts the progress message shows now, and when it was last edited.
    progress_shown: Mapped[str] = mapped_column(String(64), default="")
    progress_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None] = mapped_column(index=True)
