"""The chat UI: one router per flow, included in a fixed order (the fallback last)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackQueryFilter

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
    for flow in FLOWS:
        _pass_other_buttons_at_once(flow.router)
    return root


def _pass_other_buttons_at_once(router: Router) -> None:
    """A button press skips a flow none of whose buttons it is with one check of its prefix,
    instead of one failed parse per handler: the roster, the busiest screen, is eighth in line.
    Only where every button handler of the flow is bound to its CallbackData."""
    if router.sub_routers or getattr(router, "_prefixes", None) is not None:
        return
    prefixes: list[str] = []
    for handler in router.callback_query.handlers:
        bound = [
            f.callback for f in handler.filters or [] if isinstance(f.callback, CallbackQueryFilter)
        ]
        if not bound:
            return  # this handler takes other presses too
        prefixes += (f.callback_data.__prefix__ + f.callback_data.__separator__ for f in bound)
    router.callback_query.filter(F.data.startswith(tuple(prefixes)))
    router._prefixes = prefixes  # type: ignore[attr-defined]
