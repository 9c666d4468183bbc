"""Request parameters checked and converted against the Bot API specification.

The specification is `botapi_methods.json` beside this file (see NOTICE.md). Telegram takes
parameters as form fields (everything a string, objects as JSON strings), as multipart (files
too) or as a JSON body (native values); all three end up here as one mapping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.errors import ApiError, bad_request

SPEC_PATH = Path(__file__).with_name("botapi_methods.json")
_INTEGER = re.compile(r"[+-]?\d+")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
# Telegram's own words for the most common missing parameters.
_MISSING = {"chat_id": "chat_id is empty", "text": "message text is empty"}


@dataclass(frozen=True)
class Upload:
    """A file posted with multipart/form-data."""

    filename: str
    content_type: str
    data: bytes


class _Mismatch(Exception):
    """A value does not fit a type; `path` says where inside a JSON object."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Spec:
    version: str
    methods: dict[str, dict[str, Any]]
    types: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> Spec:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["version"], data["methods"], data["types"])

    def canonical(self, method: str) -> str | None:
        """Method names are case-insensitive, as in Telegram."""
        lowered = method.lower()
        return next((name for name in self.methods if name.lower() == lowered), None)

    def check(self, method: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Converted parameters of a known method, or ApiError 400 with a clear description."""
        params: dict[str, Any] = {}
        for field in self.methods[method]["fields"]:
            name = field["name"]
            value = raw.get(name)
            if value is None or value == "":
                if field["required"]:
                    raise bad_request(_MISSING.get(name, f'parameter "{name}" is required'))
                continue
            try:
                params[name] = self._convert(value, field["types"], "")
            except _Mismatch as exc:
                if exc.path:
                    raise bad_request(f"can't parse {name}: {exc.path} {exc.reason}") from None
                raise bad_request(f'wrong type of parameter "{name}": {exc.reason}') from None
        return params

    # --- values ----------------------------------------------------------------------------

    def _convert(self, value: Any, types: list[str], path: str) -> Any:
        if len(types) == 1:
            return self._one(value, types[0], path)
        if "InputFile" in types and (isinstance(value, Upload) or _attachment(value)):
            return self._one(value, "InputFile", path)
        if all(t in self.types for t in types):
            return self._union(_json(value, path, "an object"), types, path)
        for kind in types:
            try:
                return self._one(value, kind, path)
            except _Mismatch:
                continue
        raise _Mismatch(path, f"expected {' or '.join(types)}")

    def _one(self, value: Any, kind: str, path: str) -> Any:
        if kind.startswith("Array of "):
            items = _json(value, path, "an array")
            if not isinstance(items, list):
                raise _Mismatch(path, f"expected {kind}")
            inner = kind.removeprefix("Array of ")
            return [self._one(item, inner, f"{path}[{i}]") for i, item in enumerate(items)]
        if kind == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
                return int(value)
            raise _Mismatch(path, "expected Integer")
        if kind == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            try:
                return float(value)
            except (TypeError, ValueError):
                raise _Mismatch(path, "expected Float") from None
        if kind == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in _BOOLEANS:
                return _BOOLEANS[value.lower()]
            raise _Mismatch(path, "expected Boolean")
        if kind == "String":
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            raise _Mismatch(path, "expected String")
        if kind == "InputFile":
            if isinstance(value, Upload) or _attachment(value):
                return value
            raise _Mismatch(path, "expected a file posted as multipart/form-data")
        if kind in self.types:
            return self._union(_json(value, path, "an object"), [kind], path)
        raise _Mismatch(path, f"has a type the sandbox does not know: {kind}")

    def _union(self, value: Any, kinds: list[str], path: str) -> dict[str, Any]:
        """An object of one of `kinds` (a union type's members count as candidates)."""
        if not isinstance(value, dict):
            raise _Mismatch(path, f"expected {' or '.join(kinds)}")
        candidates = [member for kind in kinds for member in self._members(kind)]
        tagged = [c for c in candidates if _const(self.types[c]) is not None]
        if tagged:
            chosen = [c for c in tagged if _const(self.types[c]) == value.get("type")]
            if not chosen:
                raise _Mismatch(path + ".type" if path else "type", "is not a supported value")
            return self._object(value, chosen[0], path)
        fitting = [
            c
            for c in candidates
            if all(f["name"] in value for f in self.types[c].get("fields", []) if f["required"])
        ]
        if fitting or len(candidates) == 1:
            return self._object(value, (fitting or candidates)[0], path)
        raise _Mismatch(path, f"expected one of {', '.join(kinds)}")

    def _members(self, kind: str) -> list[str]:
        subtypes = self.types[kind].get("subtypes")
        return [m for s in subtypes for m in self._members(s)] if subtypes else [kind]

    def _object(self, value: dict[str, Any], kind: str, path: str) -> dict[str, Any]:
        result = dict(value)
        for field in self.types[kind].get("fields", []):
            name = field["name"]
            where = f"{path}.{name}" if path else name
            if value.get(name) is None:
                if field["required"]:
                    raise _Mismatch(where, f"is required in {kind}")
                continue
            result[name] = self._convert(value[name], field["types"], where)
        return result


def _attachment(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("attach://")


def _json(value: Any, path: str, what: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _Mismatch(path, f"expected {what} serialised as JSON") from None


def _const(kind: dict[str, Any]) -> str | None:
    return next((f.get("const") for f in kind.get("fields", []) if f["name"] == "type"), None)


__all__ = ["ApiError", "Spec", "Upload"]
