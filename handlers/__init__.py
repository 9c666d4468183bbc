"""The chat UI: one router per flow, included in a fixed order (the fallback last)."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    applications,
    broadcasts,
    catalogue,
    coordinator,
    fallback,
    family,
    imports,
    menu,
    messengers,
    reports,
    schedule,
    staff,
    start,
    teaching,
)

# Order matters: flows with states and specific filters first, the catch-all last.
FLOWS = (
    start,
    menu,
    messengers,
    catalogue,
    applications,
    family,
    coordinator,
    teaching,
    schedule,
    staff,
    reports,
    broadcasts,
    admin,
    imports,
    fallback,
)


def build_router() -> Router:
    root = Router(name="root")
    for flow in FLOWS:
        # Routers are module-level (as aiogram's examples have them), so a process that builds
        # a second dispatcher (every test does) must take them off the first one's root.
        flow.router._parent_router = None
    root.include_routers(*(flow.router for flow in FLOWS))
    return root
