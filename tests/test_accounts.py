"""One person on Telegram and MAX: linking by code, where notifications go."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Person
from models.enums import Messenger, Role
from services import accounts, outbox, people
from services.errors import Conflict, Invalid
from tests.conftest import START
from tests.factories import network

MAX_USER = 7_000_001
_keys = itertools.count()


async def _fresh_max_account(session: AsyncSession) -> int:
    """A MAX account as first contact makes it: an empty person."""
    who = await people.identify(session, Messenger.MAX, MAX_USER, MAX_USER)
    return who.person.id


async def test_code_joins_the_new_account_to_the_person_and_drops_the_empty_profile(
    session: AsyncSession,
) -> None:
    net = await network(session)
    empty_id = await _fresh_max_account(session)
    code = await accounts.create_link_code(session, net.parent.id, START)

    person = await accounts.link_account(session, code.code.lower(), Messenger.MAX, MAX_USER, START)

    assert person.id == net.parent.id
    linked = await accounts.accounts_of(session, net.parent.id)
    assert {a.messenger for a in linked} == {Messenger.TELEGRAM, Messenger.MAX}
    assert await session.get(Person, empty_id) is None
    who = await people.identify(session, Messenger.MAX, MAX_USER, MAX_USER)
    assert who.person.id == net.parent.id
    assert who.actor.has(Role.PARENT)


@pytest.mark.parametrize("case", ["unknown", "expired", "used"])
async def test_a_bad_code_changes_nothing(session: AsyncSession, case: str) -> None:
    net = await network(session)
    empty_id = await _fresh_max_account(session)
    code = await accounts.create_link_code(session, net.parent.id, START)
    now = START
    typed = code.code
    if case == "unknown":
        typed = "ZZZZ2222"
    elif case == "expired":
        now = START + accounts.CODE_LIFETIME + timedelta(seconds=1)
    else:
        code.used_at = START

    with pytest.raises(Invalid) as refused:
        await accounts.link_account(session, typed, Messenger.MAX, MAX_USER, now)

    assert refused.value.key == "accounts-code-invalid"
    account = await session.scalar(select(Account).where(Account.user_id == MAX_USER))
    assert account is not None
    assert account.person_id == empty_id


async def test_a_profile_with_its_own_data_is_not_merged(session: AsyncSession) -> None:
    net = await network(session)
    who = await people.identify(session, Messenger.MAX, MAX_USER, MAX_USER)
    await people.register_parent(session, who.person, name="Орлова Вера")
    code = await accounts.create_link_code(session, net.parent.id, START)

    with pytest.raises(Conflict) as refused:
        await accounts.link_account(session, code.code, Messenger.MAX, MAX_USER, START)

    assert refused.value.key == "accounts-has-own-data"
    assert [a.messenger for a in await accounts.accounts_of(session, net.parent.id)] == [
        Messenger.TELEGRAM
    ]


async def test_one_account_per_messenger_and_not_twice(session: AsyncSession) -> None:
    net = await network(session)
    code = await accounts.create_link_code(session, net.parent.id, START)
    with pytest.raises(Conflict) as same:
        await accounts.link_account(session, code.code, Messenger.TELEGRAM, 102, START)
    assert same.value.key == "accounts-already-linked"

    await people.identify(session, Messenger.TELEGRAM, 555, 555)  # a second, empty Telegram
    with pytest.raises(Conflict) as taken:
        await accounts.link_account(session, code.code, Messenger.TELEGRAM, 555, START)
    assert taken.value.key == "accounts-messenger-taken"


async def test_a_new_code_replaces_the_unused_one(session: AsyncSession) -> None:
    net = await network(session)
    first = await accounts.create_link_code(session, net.parent.id, START)
    first_code = first.code
    await accounts.create_link_code(session, net.parent.id, START)
    await _fresh_max_account(session)
    with pytest.raises(Invalid):
        await accounts.link_account(session, first_code, Messenger.MAX, MAX_USER, START)


async def _notified_chats(session: AsyncSession, person_id: int) -> list[tuple[str, int]]:
    """Where a notification queued now would be sent."""
    key = f"test-{next(_keys)}"
    await outbox.notify(session, person_id=person_id, kind="test-kind", dedupe_key=key, now=START)
    claimed = await outbox.claim_due(session, START, limit=100)
    return [chat for item in claimed for chat in item.chats]


async def test_notifications_go_where_chosen_and_never_nowhere(session: AsyncSession) -> None:
    net = await network(session)
    await _fresh_max_account(session)
    code = await accounts.create_link_code(session, net.parent.id, START)
    await accounts.link_account(session, code.code, Messenger.MAX, MAX_USER, START)

    assert await _notified_chats(session, net.parent.id) == [("telegram", 102), ("max", MAX_USER)]

    await accounts.set_notify(session, net.parent.id, Messenger.TELEGRAM, False)
    assert await _notified_chats(session, net.parent.id) == [("max", MAX_USER)]

    with pytest.raises(Conflict) as last:
        await accounts.set_notify(session, net.parent.id, Messenger.MAX, False)
    assert last.value.key == "accounts-last-notify"

    # If MAX cannot be reached (blocked), Telegram still gets it rather than nobody.
    max_account = await session.scalar(select(Account).where(Account.user_id == MAX_USER))
    assert max_account is not None
    max_account.unreachable_since = START
    await session.flush()
    assert await _notified_chats(session, net.parent.id) == [("telegram", 102)]
