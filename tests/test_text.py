"""Typed text and text to show: the rules of services/text.py, which every service and screen
uses (a second copy of a rule somewhere would let the two drift apart)."""

from __future__ import annotations

import random

import pytest

from handlers import ui
from services import broadcasts, messaging, people
from services.errors import Invalid
from services.text import REASON, REASON_MAX, TextRule, clip, shown_length
from tests.telegram_fake import html_error


def test_typed_text_is_trimmed_and_single_spaced() -> None:
    assert REASON.clean("  Педагог \n  заболел\t") == "Педагог заболел"
    assert REASON.clean("я" * REASON_MAX) == "я" * REASON_MAX


@pytest.mark.parametrize(
    ("rule", "text", "key"),
    [
        (REASON, "   ", "error-reason-required"),
        (REASON, "я" * (REASON_MAX + 1), "error-reason-too-long"),
        (TextRule(5), "123456", "error-too-long"),
        (TextRule(10, "error-name", letters=True), "12 34", "error-name"),
    ],
)
def test_each_refusal_has_its_own_text(rule: TextRule, text: str, key: str) -> None:
    with pytest.raises(Invalid) as refused:
        rule.clean(text)
    assert (refused.value.key, refused.value.params) == (key, {"max": rule.limit})


def test_an_optional_text_may_be_empty() -> None:
    assert TextRule(5).clean("  ") == ""


def test_messages_keep_their_lines() -> None:
    typed = "  Завтра:\n• форма\n• вода  "
    assert messaging.clean_message(typed) == "Завтра:\n• форма\n• вода"
    assert broadcasts.clean_text(typed) == "Завтра:\n• форма\n• вода"
    with pytest.raises(Invalid, match="error-message-empty"):
        broadcasts.clean_text(" \n ")


def test_a_name_needs_letters_and_is_no_command() -> None:
    assert people.clean_name("  Иванова   Мария ") == "Иванова Мария"
    for bad in ("12345", "/start", "я" * 121):
        with pytest.raises(Invalid, match="error-name"):
            people.clean_name(bad)


def test_clip_leaves_a_text_that_fits() -> None:
    assert clip("<b>жирный</b> &amp; всё", 12) == "<b>жирный</b> &amp; всё"


def test_clip_never_cuts_an_entity_or_a_tag_and_closes_what_is_open() -> None:
    text = "<b>" + "Том &amp; Джерри " * 40 + "</b>"
    for limit in range(5, 120):
        clipped = clip(text, limit)
        assert shown_length(clipped) <= limit, limit
        assert html_error(clipped) is None, clipped
        assert clipped.endswith("</b>…")


def test_clip_of_random_html_is_always_valid() -> None:
    rng = random.Random(7)
    parts = ["<b>", "</b>", "<i>", "</i>", "&lt;", "&amp;", "&#128512;", "слово", " ", "\n", "😀"]
    for _ in range(300):
        opened: list[str] = []
        text = ""
        for part in rng.choices(parts, k=60):
            if part in ("<b>", "<i>"):
                if part in opened:
                    continue
                opened.append(part)
            elif part in ("</b>", "</i>"):
                if not opened or opened[-1] != part.replace("/", ""):
                    continue
                opened.pop()
            text += part
        text += "".join(f"</{tag[1:]}" for tag in reversed(opened))
        limit = rng.randint(3, 40)
        clipped = clip(text, limit)
        assert shown_length(clipped) <= limit, (text, clipped)
        assert html_error(clipped) is None, (text, clipped)


def test_clip_prefers_a_break_and_cuts_a_giant_word_as_a_last_resort() -> None:
    assert clip("первая строка\nвторая строка", 20, at="\n", mark="\n…") == "первая строка\n…"
    assert clip("один два три четыре", 12, html=False) == "один два…"
    assert clip("x" * 30, 10, html=False) == "x" * 9 + "…"


def test_screens_buttons_and_descriptions_are_clipped_by_the_same_rule() -> None:
    screen = "\n".join(f"<b>Строка {i}</b> &amp; ещё" for i in range(400))
    shown = ui.clip(screen)
    assert shown_length(shown) <= ui.TEXT_LIMIT
    assert shown.endswith("\n…")
    assert html_error(shown) is None
    label = ui.button("Курс " + "очень длинное название " * 5, "x").text
    assert len(label) <= ui.ROW_BUDGET[1]
    assert label.endswith(" очень…")
    assert ui.shorten("слово " * 300, 100).endswith("слово…")
