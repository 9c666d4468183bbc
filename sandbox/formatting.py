"""Message text as Telegram keeps it (plain text + entities) and as the page shows it (safe HTML).

`parse` turns what a bot sends (text and parse_mode, or explicit entities) into plain text and
entities, adding the ones Telegram detects by itself (bot commands, URLs, e-mail addresses).
`to_html` renders text and entities back into the small HTML subset the page shows: every
character of the text is escaped and only the tags written here are ever produced, so nothing a
bot or a person sends can inject markup.
"""

from __future__ import annotations

import html
import itertools
import re

from sandbox.entity_builder import (
    Entity,
    EntityError,
    sort_entities,
    u16len,
    u16slice,
)
from sandbox.parse_html import parse_html
from sandbox.parse_markdown import parse_markdown, parse_markdown_v2

PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}
# Entities that other entities may not overlap with when detecting URLs and commands.
_OPAQUE = {"code", "pre", "text_link", "url", "bot_command", "email"}
_DETECT = re.compile(
    r"(?P<bot_command>(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{5,32})?(?![\w/]))"
    r"|(?P<url>\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]}'])"
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)"
)
SAFE_SCHEMES = ("http://", "https://", "tg://", "mailto:")


class UnknownParseMode(ValueError):
    pass


def parse(
    text: str, parse_mode: str | None, entities: list[Entity] | None = None
) -> tuple[str, list[Entity]]:
    """Plain text and entities, or EntityError / UnknownParseMode."""
    if entities is not None:
        plain, found = text, [dict(e) for e in entities]
    elif parse_mode:
        parser = PARSERS.get(parse_mode.lower())
        if parser is None:
            raise UnknownParseMode(parse_mode)
        plain, found = parser(text)
    else:
        plain, found = text, []
    return plain, sort_entities(found + detect(plain, found))


def detect(text: str, existing: list[Entity]) -> list[Entity]:
    """Entities Telegram finds without being told: /commands, URLs and e-mail addresses."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _OPAQUE]
    found: list[Entity] = []
    for match in _DETECT.finditer(text):
        kind = match.lastgroup or ""
        start = u16len(text[: match.start()])
        end = start + u16len(match.group(0))
        if any(s < end and start < e for s, e in taken):
            continue
        found.append({"type": kind, "offset": start, "length": end - start})
    return found


def to_html(text: str, entities: list[Entity]) -> str:
    """Safe HTML for the page; overlapping entities are closed and reopened around each other."""
    ordered = sort_entities([e for e in entities if e.get("length", 0) > 0])
    points = sorted({0, u16len(text)} | {e["offset"] for e in ordered} | {_end(e) for e in ordered})
    out: list[str] = []
    stack: list[Entity] = []
    for here, nxt in itertools.pairwise(points):
        ending = [e for e in stack if _end(e) <= here]
        if ending:
            # Close down to the deepest ending entity, then reopen the survivors in order.
            depth = min(stack.index(e) for e in ending)
            closing = stack[depth:]
            del stack[depth:]
            out.extend(_close(e, text) for e in reversed(closing))
            for e in closing:
                if _end(e) > here:
                    stack.append(e)
                    out.append(_open(e, text))
        for e in ordered:
            if e["offset"] == here:
                stack.append(e)
                out.append(_open(e, text))
        out.append(html.escape(u16slice(text, here, nxt)))
    out.extend(_close(e, text) for e in reversed(stack))
    return "".join(out)


def _end(entity: Entity) -> int:
    return int(entity["offset"]) + int(entity["length"])


_SIMPLE = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}


def _element(entity: Entity, text: str) -> tuple[str, dict[str, str]]:
    """The tag and attributes that show one entity."""
    kind = entity["type"]
    covered = u16slice(text, entity["offset"], _end(entity))
    if kind in _SIMPLE:
        return _SIMPLE[kind], {}
    if kind == "bot_command":
        return "a", {"href": "#", "class": "cmd", "data-command": covered.split("@")[0]}
    if kind == "spoiler":
        return "span", {"class": "tg-spoiler"}
    if kind == "expandable_blockquote":
        return "blockquote", {"class": "expandable"}
    href = {"text_link": entity.get("url", ""), "url": covered, "email": "mailto:" + covered}
    if kind in href:
        if not str(href[kind]).lower().startswith(SAFE_SCHEMES):
            return "span", {"class": "ent-link"}
        return "a", {"href": href[kind], "target": "_blank", "rel": "noopener noreferrer"}
    return "span", {"class": "ent-" + kind.replace("_", "-")}


def _open(entity: Entity, text: str) -> str:
    tag, attrs = _element(entity, text)
    rendered = "".join(f' {name}="{html.escape(value)}"' for name, value in attrs.items())
    return f"<{tag}{rendered}>"


def _close(entity: Entity, text: str) -> str:
    return f"</{_element(entity, text)[0]}>"


__all__ = ["EntityError", "UnknownParseMode", "detect", "parse", "to_html"]
