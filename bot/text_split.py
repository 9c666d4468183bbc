"""Cutting a long HTML message into pieces a messenger accepts, never inside a word, a tag or
an entity: tags still open at a cut are closed there and opened again in the next piece."""

from __future__ import annotations

import re

TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\s+|[^<&\s]+|[<&]")
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")

OpenTags = tuple[tuple[str, str], ...]  # (name, the opening tag as written), outermost first


def shown_length(text: str) -> int:
    return sum(_shown(token) for token in TOKEN.findall(text))


def _shown(token: str) -> int:
    """Messengers count the text as shown: a tag counts nothing, an entity one character;
    Telegram counts UTF-16 code units, so an emoji may count two."""
    if TAG.fullmatch(token):
        return 0
    if token.startswith("&") and token.endswith(";"):
        return 1
    return len(token.encode("utf-16-le")) // 2


def _after(stack: OpenTags, token: str) -> OpenTags:
    match = TAG.fullmatch(token)
    if not match:
        return stack
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        return (*stack, (name, token))
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            return stack[:i] + stack[i + 1 :]
    return stack


def _tokens(text: str, limit: int) -> list[str]:
    """Tokens, with a word longer than a whole message cut into parts (no better place)."""
    tokens = []
    for token in TOKEN.findall(text):
        if _shown(token) > limit:
            step = max(limit // 2, 1)  # a cut word may be made of two-unit characters
            tokens += [token[i : i + step] for i in range(0, len(token), step)]
        else:
            tokens.append(token)
    return tokens


def split_html(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` shown characters, cut at spaces where possible."""
    if shown_length(text) <= limit:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    stack: OpenTags = ()
    cut: tuple[int, OpenTags] | None = None  # the last good place to cut, and tags open there

    def emit(upto: int, open_at_cut: OpenTags) -> None:
        nonlocal current, size, cut
        head, tail = current[:upto], current[upto:]
        closing = "".join(f"</{name}>" for name, _ in reversed(open_at_cut))
        piece = "".join(head).strip() + closing
        if shown_length(piece):
            pieces.append(piece)
        while tail and tail[0].isspace():
            tail.pop(0)
        current = [raw for _, raw in open_at_cut] + tail
        size = sum(_shown(t) for t in current)
        cut = None

    for token in _tokens(text, limit):
        length = _shown(token)
        while size + length > limit and size:
            if cut is not None:
                emit(*cut)
            else:
                emit(len(current), stack)
        current.append(token)
        size += length
        stack = _after(stack, token)
        if token.isspace():
            cut = (len(current) - 1, stack)
    if "".join(current).strip():
        pieces.append("".join(current).strip())
    return pieces
