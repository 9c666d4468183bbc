"""Text and entities as Telegram keeps them, and the safe HTML the page shows."""

from __future__ import annotations

import pytest

from sandbox.entity_builder import EntityError
from sandbox.formatting import parse, to_html
from sandbox.parse_html import html_error


def test_html_becomes_plain_text_with_utf16_entities() -> None:
    text, entities = parse('😀 <b>Жирный</b> <a href="https://example.org">ссылка</a>', "HTML")
    assert text == "😀 Жирный ссылка"
    # The emoji is two UTF-16 code units, so "Жирный" starts at 3.
    assert entities == [
        {"type": "bold", "offset": 3, "length": 6},
        {"type": "text_link", "offset": 10, "length": 6, "url": "https://example.org"},
    ]


def test_references_and_pre_with_language() -> None:
    text, entities = parse(
        '&lt;1&gt; &amp; &#8470; <pre><code class="language-python">x = 1</code></pre>', "HTML"
    )
    assert text == "<1> & № x = 1"
    assert entities == [{"type": "pre", "offset": 8, "length": 5, "language": "python"}]


def test_commands_and_links_are_detected_like_telegram_does() -> None:
    text, entities = parse("Нажмите /catalogue или откройте https://example.org.", None)
    kinds = {(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in entities}
    assert kinds == {("bot_command", "/catalogue"), ("url", "https://example.org")}


@pytest.mark.parametrize(
    "source",
    ["<b>x", "<i>x</b>", "</b>", "<blink>x</blink>", "<span>x</span>", "a < b"],
)
def test_broken_html_has_an_error(source: str) -> None:
    assert html_error(source)
    with pytest.raises(EntityError):
        parse(source, "HTML")


def test_markdown_v2() -> None:
    text, entities = parse("*жирный _курсив_* и ||спойлер|| \\.", "MarkdownV2")
    assert text == "жирный курсив и спойлер ."
    assert [e["type"] for e in entities] == ["bold", "italic", "spoiler"]
    for broken in ("точка.", "*не закрыт", "a_b"):
        with pytest.raises(EntityError):
            parse(broken, "MarkdownV2")


def test_to_html_escapes_everything_and_nests_overlaps() -> None:
    assert to_html("<b>&", []) == "&lt;b&gt;&amp;"
    overlapping = [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "italic", "offset": 2, "length": 4},
    ]
    assert to_html("abcdef", overlapping) == "<b>ab<i>cd</i></b><i>ef</i>"
    unsafe = [{"type": "text_link", "offset": 0, "length": 1, "url": "javascript:alert(1)"}]
    assert to_html("x", unsafe) == '<span class="ent-link">x</span>'
    quoted = [{"type": "text_link", "offset": 0, "length": 1, "url": 'https://e.org/"onclick="x'}]
    assert to_html("x", quoted) == (
        '<a href="https://e.org/&quot;onclick=&quot;x" target="_blank" '
        'rel="noopener noreferrer">x</a>'
    )


def test_round_trip_keeps_the_bots_formatting() -> None:
    source = (
        "<b>Группа MTHEORY-1</b>: пт 15:00–16:00\n<i>3 из 10 для запуска</i> 😀 <code>AB12</code>"
    )
    assert to_html(*parse(source, "HTML")) == source
