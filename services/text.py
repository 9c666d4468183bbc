"""Text, the one place for its rules: text as people type it, and text as messengers take it.

Typed text (a name, a reason, a place, a message) is cleaned by a `TextRule`: trimmed, spaces
made single (a message keeps its lines), required or not, within a limit, each refusal with
its own text key. Text to show is clipped to a limit (`clip`) or cut into messages
(`split_html`), counted as a messenger counts it and never cut inside a word where a space
will do, nor ever inside an HTML tag or an entity; tags still open at a cut are closed there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.errors import Invalid

# --- typed text ---------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """Trimmed, every run of white space (line breaks too) made one space."""
    return " ".join(text.split())


@dataclass(frozen=True)
class TextRule:
    """How one kind of typed text is cleaned and when it is refused.

    `required` names the refusal of an empty text (None: empty is allowed); with `letters`, a
    text without a letter is refused with it too. Every refusal carries `max`, the limit.
    """

    limit: int
    required: str | None = None
    too_long: str = "error-too-long"
    letters: bool = False
    lines: bool = False  # keep line breaks (a message); otherwise one line, single-spaced

    def clean(self, text: str) -> str:
        cleaned = text.strip() if self.lines else one_line(text)
        if self.required is not None and (
            not cleaned or (self.letters and not any(ch.isalpha() for ch in cleaned))
        ):
            raise Invalid(self.required, max=self.limit)
        if len(cleaned) > self.limit:
            raise Invalid(self.too_long, max=self.limit)
        return cleaned


# Rules more than one service applies. The database columns are as wide (models/).
REASON_MAX = 500
NAME_MAX = 120
REASON = TextRule(REASON_MAX, "error-reason-required", "error-reason-too-long")
OPTIONAL_REASON = TextRule(REASON_MAX, None, "error-reason-too-long")
NAME = TextRule(NAME_MAX, "error-name", "error-name", letters=True)


# --- text to show -------------------------------------------------------------------------------

TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\s+|[^<&\s]+|[<&]")
PLAIN_TOKEN = re.compile(r"\s+|\S+")
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")

OpenTags = tuple[tuple[str, str], ...]  # (name, the opening tag as written), outermost first


def _units(text: str) -> int:
    """Telegram counts UTF-16 code units, so an emoji may count two."""
    return len(text.encode("utf-16-le")) // 2


def _shown(token: str) -> int:
    """Messengers count the text as shown: a tag counts nothing, an entity one character."""
    if TAG.fullmatch(token):
        return 0
    if token.startswith("&") and token.endswith(";"):
        return 1
    return _units(token)


def shown_length(text: str, *, html: bool = True) -> int:
    if not html:
        return _units(text)
    return sum(_shown(token) for token in TOKEN.findall(text))


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


def _closing(stack: OpenTags) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _is_word(token: str, html: bool) -> bool:
    """A run of characters that may be cut when nothing better is left (not a tag, not an
    entity, not white space)."""
    if token.isspace():
        return False
    return not html or not (TAG.fullmatch(token) or (token[0] == "&" and token[-1] == ";"))


def _head(word: str, room: int) -> str:
    """The longest beginning of a word within `room` shown units."""
    size = 0
    for i, ch in enumerate(word):
        size += _units(ch)
        if size > room:
            return word[:i]
    return word


def clip(text: str, limit: int, *, html: bool = True, at: str = "", mark: str = "…") -> str:
    """The text if it fits in `limit` shown characters; otherwise its beginning followed by
    `mark`, cut at the last white space (holding `at`, a line break say, if given) when that
    keeps at least half, else within the word that overflows. HTML (`html`) is never cut
    inside a tag or an entity, and tags still open at the cut are closed."""
    size_of = _shown if html else _units
    if shown_length(text, html=html) <= limit:
        return text
    budget = max(limit - _units(mark), 0)
    kept: list[str] = []
    size = 0
    stack: OpenTags = ()
    cut: tuple[int, OpenTags, int] | None = None  # tokens kept, tags open, size there
    for token in (TOKEN if html else PLAIN_TOKEN).findall(text):
        length = size_of(token)
        if size + length > budget:
            if cut is None or cut[2] < budget // 2:
                if _is_word(token, html):
                    kept.append(_head(token, budget - size))
                cut = None
            break
        if token.isspace() and at in token:
            cut = (len(kept), stack, size)
        kept.append(token)
        size += length
        if html:
            stack = _after(stack, token)
    if cut is not None:
        kept, stack = kept[: cut[0]], cut[1]
    return "".join(kept).rstrip() + _closing(stack) + mark


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
    """A long HTML message as pieces of at most `limit` shown characters, cut at spaces where
    possible: tags still open at a cut are closed there and opened again in the next piece."""
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
        piece = "".join(head).strip() + _closing(open_at_cut)
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
