"""Building plain text and Telegram message entities, measured in UTF-16 code units.

Telegram turns formatted text (HTML, Markdown) into plain text plus entities whose offsets and
lengths count UTF-16 code units; an emoji outside the BMP counts two.
"""

from __future__ import annotations

from typing import Any

Entity = dict[str, Any]


class EntityError(ValueError):
    """Formatted text Telegram refuses; the message is what follows "can't parse entities: "."""


def u16len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def u16slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def byte_offset(text: str, index: int) -> int:
    """Telegram reports parse errors at a byte offset of the UTF-8 input."""
    return len(text[:index].encode())


class TextBuilder:
    """Accumulates plain text and the entities over it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.offset += u16len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        """An entity from `start` to here; empty ones are dropped, as Telegram does."""
        if self.offset > start:
            self.entities.append(
                {"type": kind, "offset": start, "length": self.offset - start, **extra}
            )

    def result(self) -> tuple[str, list[Entity]]:
        return "".join(self.parts), sort_entities(self.entities)


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))
