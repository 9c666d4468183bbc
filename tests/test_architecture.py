"""The layout's rules: the import contracts of pyproject.toml hold, and the production bot runs
without loading the sandbox (a development tool)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_production_bot_loads_no_sandbox_module() -> None:
    code = (
        "import sys; import bot.__main__, bot.app, bot.factory, bot.webhook;"
        " import bot.delivery.deliverer, handlers, services, models;"
        " loaded = sorted(m for m in sys.modules if m == 'sandbox' or m.startswith('sandbox.'));"
        " print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
