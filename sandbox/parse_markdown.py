"""Telegram's MarkdownV2 and legacy Markdown parse modes, with Telegram's errors.

MarkdownV2 (https://core.telegram.org/bots/api#markdownv2-style): *bold*, _italic_,
__underline__, ~strikethrough~, ||spoiler||, `code`, ```pre```, [text](url), ![emoji](tg://emoji?id=…),
>quote lines; any of _*[]()~`>#+-=|{}.! outside those must be escaped with a backslash.
Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url), no reserved characters.
"""

from __future__ import annotations

from sandbox.entity_builder import Entity, EntityError, TextBuilder, byte_offset

RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MARKERS = {
    "*": ("bold", "Bold"),
    "_": ("italic", "Italic"),
    "__": ("underline", "Underline"),
    "~": ("strikethrough", "Strikethrough"),
    "||": ("spoiler", "Spoiler"),
    "[": ("text_link", "TextUrl"),
    "![": ("custom_emoji", "CustomEmoji"),
}


def _reserved(char: str) -> EntityError:
    return EntityError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _until(source: str, i: int, stop: str, escapable: str) -> tuple[str, int] | None:
    """Text up to the unescaped `stop` (unescaping `escapable`), and the index after it."""
    chars: list[str] = []
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source) and source[i + 1] in escapable:
            chars.append(source[i + 1])
            i += 2
        elif source.startswith(stop, i):
            return "".join(chars), i + len(stop)
        else:
            chars.append(source[i])
            i += 1
    return None


def _code(source: str, i: int, out: TextBuilder, escapable: str) -> int:
    """`code` or ```pre``` starting at i; returns the index after it."""
    if source.startswith("```", i):
        found = _until(source, i + 3, "```", escapable)
        if found is None:
            raise EntityError(
                f"Can't find end of Pre entity at byte offset {byte_offset(source, i)}"
            )
        body, after = found
        first, newline, rest = body.partition("\n")
        language = first.strip() if newline and first.strip() and " " not in first.strip() else ""
        start = out.offset
        out.add(rest if language else body)
        out.entity("pre", start, **({"language": language} if language else {}))
        return after
    found = _until(source, i + 1, "`", escapable)
    if found is None:
        raise EntityError(f"Can't find end of Code entity at byte offset {byte_offset(source, i)}")
    start = out.offset
    out.add(found[0])
    out.entity("code", start)
    return found[1]


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    out = TextBuilder()
    stack: list[tuple[str, int, int]] = []  # marker, entity start, source index
    quote_start: int | None = None
    i = 0
    while i < len(source):
        char = source[i]
        at_line_start = i == 0 or source[i - 1] == "\n"
        if at_line_start:
            if char == ">" or source.startswith("**>", i):
                if quote_start is None:
                    quote_start = out.offset
                i += 3 if char == "*" else 1
                continue
            if quote_start is not None:
                _end_quote(out, quote_start)
                quote_start = None
        if char == "\\":
            if i + 1 < len(source) and 1 <= ord(source[i + 1]) <= 126:
                out.add(source[i + 1])
                i += 2
                continue
            raise _reserved("\\")
        if char == "`":
            i = _code(source, i, out, "`\\")
            continue
        if char == "]":
            if not stack or stack[-1][0] not in ("[", "!["):
                raise _reserved("]")
            i = _link(source, i, out, stack.pop())
            continue
        marker = _marker(source, i, stack)
        if marker is None:
            if char in RESERVED:
                raise _reserved(char)
            out.add(char)
            i += 1
            continue
        if marker in ("[", "!["):
            stack.append((marker, out.offset, i))
        elif any(m == marker for m, _, _ in stack):
            if stack[-1][0] != marker:
                raise _unclosed(source, stack[-1])
            _, start, _ = stack.pop()
            out.entity(_MARKERS[marker][0], start)
        else:
            stack.append((marker, out.offset, i))
        i += len(marker)
    if quote_start is not None:
        _end_quote(out, quote_start)
    if stack:
        raise _unclosed(source, stack[-1])
    return out.result()


def _end_quote(out: TextBuilder, start: int) -> None:
    # The newline that ends the quote is not part of it.
    trailing = 1 if out.parts and out.parts[-1].endswith("\n") else 0
    out.offset -= trailing
    out.entity("blockquote", start)
    out.offset += trailing


def _marker(source: str, i: int, stack: list[tuple[str, int, int]]) -> str | None:
    char = source[i]
    if char == "_":
        # "___" closes italic before underline when italic is the innermost entity.
        if source.startswith("__", i) and not (stack and stack[-1][0] == "_"):
            return "__"
        return "_"
    if char == "|":
        return "||" if source.startswith("||", i) else None
    if char == "!":
        return "![" if source.startswith("![", i) else None
    return char if char in ("*", "~", "[") else None


def _link(source: str, i: int, out: TextBuilder, opened: tuple[str, int, int]) -> int:
    marker, start, _ = opened
    if not source.startswith("(", i + 1):
        raise _reserved("]")
    found = _until(source, i + 2, ")", ")\\")
    if found is None:
        raise EntityError(f"Can't find end of a URL at byte offset {byte_offset(source, i + 1)}")
    url, after = found
    if marker == "![":
        out.entity("custom_emoji", start, custom_emoji_id=url.rpartition("id=")[2])
    else:
        out.entity("text_link", start, url=url)
    return after


def _unclosed(source: str, opened: tuple[str, int, int]) -> EntityError:
    marker, _, index = opened
    name = _MARKERS[marker][1]
    where = byte_offset(source, index)
    return EntityError(f"Can't find end of {name} entity at byte offset {where}")


def parse_markdown(source: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: no nesting, no reserved characters."""
    out = TextBuilder()
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and source[i + 1] in "_*`[":
            out.add(source[i + 1])
            i += 2
        elif char == "`":
            i = _code(source, i, out, "")
        elif char in "*_":
            end = source.find(char, i + 1)
            if end < 0:
                raise _legacy_unclosed(source, i)
            start = out.offset
            out.add(source[i + 1 : end])
            out.entity("bold" if char == "*" else "italic", start)
            i = end + 1
        elif char == "[":
            close = source.find("](", i)
            end = source.find(")", close + 2) if close >= 0 else -1
            if end < 0:
                raise _legacy_unclosed(source, i)
            start = out.offset
            out.add(source[i + 1 : close])
            out.entity("text_link", start, url=source[close + 2 : end])
            i = end + 1
        else:
            out.add(char)
            i += 1
    return out.result()


def _legacy_unclosed(source: str, i: int) -> EntityError:
    return EntityError(
        f"Can't find end of the entity starting at byte offset {byte_offset(source, i)}"
    )
