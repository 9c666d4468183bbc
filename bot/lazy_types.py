"""Importing aiogram with its Telegram types built on first use.

When imported, aiogram builds the pydantic validators of all its ~600 types and methods: about
100 MB of memory, half of what the whole bot holds, for a few dozen types the bot ever sees.
Its types already ask pydantic to build lazily (`defer_build`), but `aiogram.types` then builds
every one of them at once (`model_rebuild` with the names the forward references need).

`import_aiogram` lets that loop only collect the names and gives them to the modules whose
annotations refer to them, so each type and method builds itself, complete, the first time it
is used. If a later aiogram stops calling `model_rebuild` this way, nothing is deferred and the
import is simply eager again; `tests/test_lazy_types.py` builds every type and method.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

_AIOGRAM_MODULES = ("aiogram.types.", "aiogram.methods.")


def import_aiogram() -> None:
    """Import aiogram with its types deferred; does nothing if it is already imported."""
    if "aiogram" in sys.modules:
        return
    names: dict[str, Any] = {}
    rebuild = BaseModel.__dict__["model_rebuild"]

    def remember_names(cls: type[BaseModel], /, **kwargs: Any) -> bool | None:
        namespace = kwargs.get("_types_namespace")
        if namespace is not None and not kwargs.get("force") and _is_aiogram_model(cls):
            names.update(namespace)
            return None
        return rebuild.__func__(cls, **kwargs)  # type: ignore[no-any-return]

    BaseModel.model_rebuild = classmethod(remember_names)  # type: ignore[method-assign,assignment]
    try:
        import aiogram  # noqa: F401
    finally:
        BaseModel.model_rebuild = rebuild  # type: ignore[method-assign]
    for name, module in list(sys.modules.items()):
        if name.startswith(_AIOGRAM_MODULES):
            for key, value in names.items():
                module.__dict__.setdefault(key, value)


def _is_aiogram_model(cls: type[BaseModel]) -> bool:
    return cls.__module__.startswith(_AIOGRAM_MODULES)
