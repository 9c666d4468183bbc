"""Going between flows: the one button every flow may show to open another's first screen.

A flow's own buttons are its own (typed CallbackData beside its keyboards); this is the
small public surface they share, so that no flow imports another flow's callbacks.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class Screen(StrEnum):
    """The first screen of a flow, as a menu button opens it."""

    HOME = "home"
    ROLE = "role"
    LANGUAGE = "language"
    MESSENGERS = "messengers"
    CONNECT = "connect"
    MYDATA = "mydata"
    # students
    CATALOGUE = "catalogue"
    SCHEDULE = "schedule"
    ATTENDANCE = "attendance"
    APPLICATIONS = "applications"
    PARENT = "parent"
    # parents
    CHILDREN = "children"
    LINK = "link"
    CONSENT = "consent"
    # staff
    TODAY = "today"
    WEEK = "week"
    GROUPS = "groups"
    REVIEW = "review"
    UNREACHABLE = "unreachable"
    BROADCAST = "broadcast"
    IMPORT = "import"
    REPORTS = "reports"
    EXPORT = "export"
    AGREEMENTS = "agreements"
    # the network admin
    ADMIN = "admin"
    NETWORK = "network"
    INVITE = "invite"
    PROFILE_DAY = "profileday"
    HOLIDAYS = "holidays"
    AUDIT = "audit"


class Menu(CallbackData, prefix="m"):
    """Open a flow's first screen."""

    action: Screen


def go(screen: Screen) -> Menu:
    return Menu(action=screen)
