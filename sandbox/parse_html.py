"""Telegram's HTML parse mode: the tags it allows, and the errors it gives for anything else.

Every `<` starts a tag; `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric references are decoded,
any other `&` stays as it is. See https://core.telegram.org/bots/api#html-style.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from sandbox.entity_builder import Entity, EntityError, TextBuilder, byte_offset

# Tag → entity type.
TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
ALLOWED_TAGS = frozenset(TAGS)

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR = re.compile(r"""\s*([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_REFERENCE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")


@dataclass
class _Open:
    tag: str
    start: int
    at: int  # index in the source, for error messages
    attrs: dict[str, str] = field(default_factory=dict)


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Plain text and entities, or EntityError with Telegram's description."""
    out = TextBuilder()
    stack: list[_Open] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&":
            match = _REFERENCE.match(source, i)
            out.add(html.unescape(match.group(0)) if match else "&")
            i = match.end() if match else i + 1
        elif char == "<":
            i = _tag(source, i, out, stack)
        else:
            nxt = min((j for j in (source.find("<", i), source.find("&", i)) if j >= 0), default=-1)
            end = len(source) if nxt < 0 else nxt
            out.add(source[i:end])
            i = end
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.result()


def _tag(source: str, i: int, out: TextBuilder, stack: list[_Open]) -> int:
    close = source.find(">", i)
    if close < 0:
        raise EntityError(f"Unclosed start tag at byte offset {byte_offset(source, i)}")
    if source.startswith("</", i):
        name = source[i + 2 : close].strip().lower()
        if not stack:
            raise EntityError(f"Unexpected end tag at byte offset {byte_offset(source, i)}")
        top = stack[-1]
        if name != top.tag:
            raise EntityError(
                f"Unmatched end tag at byte offset {byte_offset(source, i)}, "
                f'expected "</{top.tag}>", found "</{name}>"'
            )
        stack.pop()
        _finish(top, out, stack)
        return close + 1
    match = _NAME.match(source, i + 1)
    name = match.group(0).lower() if match else ""
    if name not in TAGS:
        raise EntityError(f'Unsupported start tag "{name}" at byte offset {byte_offset(source, i)}')
    assert match is not None
    attrs = {
        a.group(1).lower(): html.unescape((a.group(2) or "").strip("\"'"))
        for a in _ATTR.finditer(source, match.end(), close)
    }
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(source, i)}'
        )
    stack.append(_Open(name, out.offset, i, attrs))
    return close + 1


def _finish(tag: _Open, out: TextBuilder, stack: list[_Open]) -> None:
    kind = TAGS[tag.tag]
    extra: dict[str, str] = {}
    if kind == "text_link":
        if not tag.attrs.get("href"):
            return
        extra["url"] = tag.attrs["href"]
    elif kind == "custom_emoji":
        extra["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in tag.attrs:
        kind = "expandable_blockquote"
    elif kind == "code" and stack and stack[-1].tag == "pre":
        # <pre><code class="language-x"> is one pre entity with a language.
        language = tag.attrs.get("class", "").removeprefix("language-")
        if language:
            stack[-1].attrs["language"] = language
        return
    elif kind == "pre" and tag.attrs.get("language"):
        extra["language"] = tag.attrs["language"]
    out.entity(kind, tag.start, **extra)


def html_error(text: str) -> str | None:
    """Why Telegram would refuse this HTML, or None if it would accept it."""
    try:
        parse_html(text)
    except EntityError as exc:
        return str(exc)
    return None
