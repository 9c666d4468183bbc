"""The chat UI: one router per flow, each built by its module's `setup()`, included in one
fixed order.

Order matters where two flows could take the same update: flows with conversation states and
specific filters come first, the catch-all fallback last. Each flow's router takes only its
own buttons (a prefix check), so a press passes the others cheaply.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    agreements,
    applications,
    broadcasts,
    catalogue,
    consent,
    coordinator,
    export,
    fallback,
    family,
    group_messages,
    imports,
    invites,
    lesson_changes,
    menu,
    messengers,
    network,
    privacy,
    reports,
    roster,
    schedule,
    start,
    teaching,
)

FLOWS = (
    start,
    menu,
    messengers,
    catalogue,
    applications,
    consent,
    family,
    coordinator,
    roster,  # the busiest screen: early in line
    teaching,
    lesson_changes,
    group_messages,
    schedule,
    network,
    agreements,
    invites,
    reports,
    export,
    broadcasts,
    admin,
    imports,
    privacy,
    fallback,
)


def build_router() -> Router:
    """A fresh tree of routers (a process may build several dispatchers: every test does)."""
    root = Router(name="root")
    root.include_routers(*(flow.setup() for flow in FLOWS))
    return root
