"""MAX's text formats (`format: "html"` or `"markdown"` in NewMessageBody): plain text + markup.

Rules from the MAX Bot API schema 0.0.32 ("Text formatting"): HTML knows only `<b>`/`<strong>`,
`<i>`/`<em>`, `<s>`/`<del>`, `<u>`/`<ins>`, `<a href>`, `<code>`/`<pre>`, `<mark>` and `<h1>`;
"all others will be stripped" — so an unknown tag is removed (its text kept), never an error.
Max-flavoured Markdown knows `**strong**`/`__strong__`, `*emphasis*`/`_emphasis_`,
`~~strike~~`, `++underline++`, `` `code` `` and ```` ```code``` ````, `^^highlight^^`,
`[text](url)` and a `# Header` line. What the schema does not say, and this fake decides:
markup offsets count UTF-16 code units (MAX's servers are Java), an unmatched Markdown marker
stays as it is, and `\\` escapes the next character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sandbox.entity_builder import u16len

HTML_TAGS = {
    "b": "strong",
    "strong": "strong",
    "i": "emphasized",
    "em": "emphasized",
    "s": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "a": "link",
    "code": "monospaced",
    "pre": "monospaced",
    "mark": "highlighted",
    "h1": "heading",
}
FORMATS = ("markdown", "html")


@dataclass
class Formatted:
    text: str
    markup: list[dict[str, Any]] = field(default_factory=list)
    stripped_tags: list[str] = field(default_factory=list)  # HTML tags MAX would drop


def format_text(text: str, fmt: str | None) -> Formatted:
    """The text as MAX shows it, and its markup elements (`{"type", "from", "length"}`)."""
    if fmt == "html":
        return _parse_html(text)
    if fmt == "markdown":
        return _parse_markdown(text)
    return Formatted(text)


# --- HTML ----------------------------------------------------------------------------------


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pos = 0  # UTF-16 code units so far (HTMLParser owns `offset`)
        self.open: list[tuple[str, int, dict[str, str]]] = []
        self.markup: list[dict[str, Any]] = []
        self.stripped: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.pos += u16len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            self.stripped.append(tag)
            return
        self.open.append((tag, self.pos, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag not in HTML_TAGS:
            if tag not in self.stripped:
                self.stripped.append(tag)
            return
        for i in range(len(self.open) - 1, -1, -1):
            name, start, attrs = self.open[i]
            if name == tag:
                del self.open[i]
                self.element(tag, start, attrs)
                return

    def element(self, tag: str, start: int, attrs: dict[str, str]) -> None:
        length = self.pos - start
        if length <= 0:
            return
        element: dict[str, Any] = {"type": HTML_TAGS[tag], "from": start, "length": length}
        if tag == "a":
            if not attrs.get("href"):
                return
            element["url"] = attrs["href"]
        self.markup.append(element)


def _parse_html(text: str) -> Formatted:
    parser = _Html()
    parser.feed(text)
    parser.close()
    for tag, start, attrs in reversed(parser.open):  # unclosed tags run to the end
        parser.element(tag, start, attrs)
    parser.markup.sort(key=lambda m: (m["from"], -m["length"]))
    return Formatted("".join(parser.parts), parser.markup, parser.stripped)


# --- Markdown ------------------------------------------------------------------------------

# Paired markers, longest first so that `**` is not read as two `*`.
_PAIRS = [
    ("```", "monospaced"),
    ("**", "strong"),
    ("__", "strong"),
    ("~~", "strikethrough"),
    ("++", "underline"),
    ("^^", "highlighted"),
    ("`", "monospaced"),
    ("*", "emphasized"),
    ("_", "emphasized"),
]
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


class _Markdown:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.markup: list[dict[str, Any]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += u16len(text)

    def mark(self, kind: str, start: int, **extra: Any) -> None:
        if self.pos > start:
            self.markup.append({"type": kind, "from": start, "length": self.pos - start, **extra})

    def inline(self, source: str) -> None:
        i = 0
        while i < len(source):
            char = source[i]
            if char == "\\" and i + 1 < len(source):
                self.add(source[i + 1])
                i += 2
                continue
            link = _LINK.match(source, i) if char == "[" else None
            if link:
                start = self.pos
                self.inline(link.group(1))
                self.mark("link", start, url=link.group(2))
                i = link.end()
                continue
            for marker, kind in _PAIRS:
                if not source.startswith(marker, i):
                    continue
                close = source.find(marker, i + len(marker))
                if close <= i + len(marker):  # no closer, or nothing inside
                    continue
                inner = source[i + len(marker) : close]
                start = self.pos
                if kind == "monospaced":
                    self.add(inner)
                else:
                    self.inline(inner)
                self.mark(kind, start)
                i = close + len(marker)
                break
            else:
                self.add(char)
                i += 1


def _parse_markdown(text: str) -> Formatted:
    out = _Markdown()
    for n, line in enumerate(text.split("\n")):
        if n:
            out.add("\n")
        if line.startswith("# "):
            start = out.pos
            out.inline(line[2:])
            out.mark("heading", start)
        else:
            out.inline(line)
    out.markup.sort(key=lambda m: (m["from"], -m["length"]))
    return Formatted("".join(out.parts), out.markup)
