"""The domain's layering, read from the source: services and models never import the chat
shell, and no two of their modules import each other, even through a function-level import
(each arrow points one way, so a module can be read knowing only what is below it)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("services", "models")
# The bare alembic CLI takes the default database URL from the settings; it moves with the
# packaging work (issue 19), and this line with it.
KNOWN_UPWARD = {("models.migrate", "bot.settings")}


def _imports(path: Path) -> set[str]:
    """Every project module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                module = f"{node.module}.{alias.name}"
                found.add(
                    module if (ROOT / f"{module.replace('.', '/')}.py").exists() else node.module
                )
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for package in DOMAIN:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            graph[name] = {m for m in _imports(path) if m != name}
    return graph


def test_services_and_models_never_import_the_shell() -> None:
    upward = {
        (module, imported)
        for module, imports in _graph().items()
        for imported in imports
        if imported.split(".")[0] in ("aiogram", "maxapi", "bot", "handlers")
    }
    assert upward <= KNOWN_UPWARD


def test_no_import_cycles_in_services_and_models() -> None:
    graph = _graph()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            module = todo.pop()
            for nxt in graph.get(module, ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    cycles = sorted(m for m in graph if reaches(m, m))
    assert not cycles
