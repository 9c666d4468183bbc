"""Buttons under a notification: what it is about, opened with one tap.

Services say what a message is about ({"to": "application", "id": 5}); how a button for it
looks and what it carries is the chat UI's business, so it is decided here.
"""

from __future__ import annotations

from typing import Any

from handlers.agreements import Agr, AgrAction
from handlers.application_card import AppOpen
from handlers.coordinator import GroupDecision
from handlers.lesson_card import LessonAct, LessonAction
from services.i18n import Text

Buttons = list[list[tuple[str, str]]]


def buttons_for(link: dict[str, Any], tr: Text) -> Buttons | None:
    target, ident = link.get("to"), link.get("id")
    if not isinstance(ident, int):
        return None
    if target == "application":
        return [[(tr.label("btn-open-application"), AppOpen(id=ident).pack())]]
    if target == "agreement":
        return [[(tr.label("btn-open-agreement"), Agr(action=AgrAction.OPEN, id=ident).pack())]]
    if target == "lesson":
        roll = LessonAct(id=ident, action=LessonAction.ROLL).pack()
        return [[(tr.label("btn-mark-attendance"), roll)]]
    if target == "undersized":
        return [
            [(tr.label("btn-cancel-group"), GroupDecision(id=ident, run=False).pack())],
            [(tr.label("btn-run-anyway"), GroupDecision(id=ident, run=True).pack())],
        ]
    return None
