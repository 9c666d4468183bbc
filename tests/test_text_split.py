"""Long messages are split cleanly: never mid-word, never mid-tag or mid-entity."""

from __future__ import annotations

import random

from services.text import shown_length, split_html
from tests.telegram_fake import html_error


def test_short_text_is_left_alone() -> None:
    assert split_html("<b>Привет</b>, мир", 4096) == ["<b>Привет</b>, мир"]


def test_cuts_at_spaces_and_keeps_every_word() -> None:
    words = [f"слово{i}" for i in range(2000)]
    pieces = split_html(" ".join(words), 100)
    assert all(shown_length(p) <= 100 for p in pieces)
    assert " ".join(pieces).split() == words


def test_open_tags_are_closed_and_reopened() -> None:
    text = "<b>" + " ".join(["жирный"] * 50) + "</b> конец &amp; всё"
    pieces = split_html(text, 60)
    assert len(pieces) > 3
    for piece in pieces:
        assert html_error(piece) is None, piece
        assert shown_length(piece) <= 60
    assert pieces[0].startswith("<b>")
    assert pieces[0].endswith("</b>")
    assert pieces[1].startswith("<b>")
    assert pieces[-1].endswith("конец &amp; всё")


def test_nested_tags_and_links_survive() -> None:
    text = (
        '<a href="https://example.org/x">'
        + "ссылка " * 30
        + "</a> и <i><b>"
        + "курсив " * 30
        + "</b></i>"
    )
    for piece in split_html(text, 50):
        assert html_error(piece) is None, piece
        assert "&" not in piece or "&amp;" in piece


def test_a_giant_word_is_cut_as_a_last_resort() -> None:
    pieces = split_html("x" * 250, 100)
    assert [len(p) for p in pieces] == [100, 100, 50]


def test_random_texts_always_split_validly() -> None:
    rng = random.Random(7)
    vocabulary = ["<b>", "</b>", "<i>", "</i>", "слово", "word", "&lt;", "&amp;", " ", "\n"]
    for _ in range(500):
        tokens, stack = [], []
        for _ in range(rng.randint(10, 300)):
            token = rng.choice(vocabulary)
            if token in ("<b>", "<i>"):
                stack.append(token[1])
            elif token in ("</b>", "</i>"):
                if not stack or stack[-1] != token[2]:
                    continue
                stack.pop()
            tokens.append(token)
        tokens += [f"</{t}>" for t in reversed(stack)]
        text = "".join(tokens).strip() or "x"
        limit = rng.randint(20, 80)
        pieces = split_html(text, limit)
        for piece in pieces:
            assert html_error(piece) is None, (text, piece)
            assert 0 < shown_length(piece) <= limit
        plain = "".join(t for t in text.split() if t)
        joined = "".join("".join(pieces).split())
        for tag in ("<b>", "</b>", "<i>", "</i>"):
            joined, plain = joined.replace(tag, ""), plain.replace(tag, "")
        assert joined == plain
