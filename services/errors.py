"""Domain errors carry a locale key, so every refusal reads well in every language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses; `key` names the text in locales/."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Forbidden(DomainError):
    """The person's roles do not allow this."""


class NotFound(DomainError):
    """The object does not exist (or the person may not know it does)."""


class Conflict(DomainError):
    """The object is no longer in a state that allows this (a stale button, a repeat)."""


class Invalid(DomainError):
    """The input is wrong."""
