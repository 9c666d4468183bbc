"""The chat UI: one router per flow, included in a fixed order (the fallback last)."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    applications,
    catalogue,
    coordinator,
    fallback,
    family,
    menu,
    staff,
    start,
)


def build_router() -> Router:
    root = Router(name="root")
    root.include_routers(
        start.router,
        menu.router,
        catalogue.router,
        applications.router,
        family.router,
        coordinator.router,
        staff.router,
        fallback.router,
    )
    return root
