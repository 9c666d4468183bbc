"""The bot as a newcomer installs it: a wheel (not an editable install) put into a clean venv
from requirements.lock, the sandbox started from a folder that is not the repository, and one
chat through its JSON API answered with Russian texts, not raw locale keys. Also: the wheel
carries every file of the packages, every import is a declared dependency, and the lock files
pin what pyproject.toml asks for.

Installing takes a minute or two; pip's own cache keeps the downloads between runs.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.metadata
import os
import re
import shutil
import signal
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import aiohttp
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
NOT_SHIPPED = {"tests", "bench"}  # packages of the repository that stay out of the wheel
INSTALL_TIMEOUT = 900
# Variables of this test run that must not reach the installed bot.
FOREIGN_ENV = {
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
    "DATA_DIR",
    "DATABASE_URL",
    "BOT_TOKEN",
    "MAX_BOT_TOKEN",
    "BOT_API_BASE_URL",
    "MAX_API_BASE_URL",
}


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _repo_files() -> list[str]:
    """The repository's files as a fresh clone has them, plus new ones not yet committed."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(p for p in listed.split("\0") if p and (ROOT / p).is_file())


def _shipped_files() -> list[str]:
    """Every file of the repository's top-level packages but the tests and the bench."""
    files = _repo_files()
    packages = {
        p.split("/")[0] for p in files if p.count("/") == 1 and p.endswith("/__init__.py")
    } - NOT_SHIPPED
    return [p for p in files if p.split("/")[0] in packages and not p.endswith(".pyc")]


@pytest.fixture(scope="module")
def wheel() -> Iterator[Path]:
    """The wheel built from a copy of the repository's files (no stale build folders)."""
    with TemporaryDirectory(prefix="bot-wheel-") as tmp:
        source = Path(tmp) / "source"
        for name in _repo_files():
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        out = Path(tmp) / "dist"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, source],
            check=True,
            timeout=INSTALL_TIMEOUT,
        )
        [built] = out.glob("*.whl")
        yield built


@pytest.fixture(scope="module")
def installed(wheel: Path) -> Iterator[Path]:
    """A clean venv with requirements.lock and the wheel (no dependency resolved again)."""
    with TemporaryDirectory(prefix="bot-venv-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
        python = venv / "bin" / "python"
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
        for args in (["-r", str(ROOT / "requirements.lock")], ["--no-deps", str(wheel)]):
            subprocess.run([*pip, *args], check=True, env=env, timeout=INSTALL_TIMEOUT)
        yield python


def test_the_wheel_ships_every_file_of_the_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [p for p in _shipped_files() if p not in names]
    assert not missing, f"not in the wheel (add them to package-data in pyproject.toml): {missing}"
    assert any(n.startswith("locales/ru/") and n.endswith(".ftl") for n in names)
    assert not [n for n in names if n.split("/")[0] in NOT_SHIPPED]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _distribution(module: str, top_levels: Mapping[str, list[str]]) -> str | None:
    """The distribution a module comes from; for a namespace shared by several (fluent), the
    one whose name is the module's own (fluent.runtime)."""
    dists = {canonicalize_name(d) for d in top_levels.get(module.split(".", maxsplit=1)[0], [])}
    if len(dists) > 1:
        dotted = module.split(".")
        for i in range(len(dotted), 0, -1):
            name = canonicalize_name(".".join(dotted[:i]))
            if name in dists:
                return name
    return next(iter(sorted(dists)), None)


def test_every_import_of_the_code_is_a_declared_dependency() -> None:
    ours = {p.split("/")[0] for p in _shipped_files()}
    declared = {
        canonicalize_name(Requirement(r).name) for r in _pyproject()["project"]["dependencies"]
    }
    top_levels = importlib.metadata.packages_distributions()
    undeclared: dict[str, str] = {}
    for name in _shipped_files():
        if not name.endswith(".py"):
            continue
        for module in _imports(ROOT / name):
            top = module.split(".")[0]
            if top in ours or top in sys.stdlib_module_names:
                continue
            dist = _distribution(module, top_levels)
            if dist not in declared:
                undeclared[module] = f"{name} ({dist or 'not installed'})"
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"


def _pins(lock: str) -> dict[str, list[Version]]:
    """Versions a lock file pins for this interpreter (universal locks fork by marker)."""
    pins: dict[str, list[Version]] = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "# ":
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            [spec] = requirement.specifier
            pins.setdefault(canonicalize_name(requirement.name), []).append(Version(spec.version))
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", ()), ("requirements-dev.lock", ("dev",))]
)
def test_the_lock_pins_versions_pyproject_allows(lock: str, extras: tuple[str, ...]) -> None:
    project = _pyproject()["project"]
    wanted = [*project["dependencies"]]
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    pins = _pins(lock)
    for line in wanted:
        requirement = Requirement(line)
        versions = pins.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in {lock}: run `make lock`"
        assert all(v in requirement.specifier for v in versions), (
            f"{lock} pins {requirement.name} {versions}, pyproject.toml asks {requirement}: "
            "run `make lock`"
        )


def test_the_dev_lock_has_the_runtime_lock_s_versions() -> None:
    """`make test` tests exactly what the Dockerfile and a newcomer install."""
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_the_installed_bot_is_the_wheel_and_explains_itself(installed: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    where = subprocess.run(
        [installed, "-c", "import bot, locales; print(bot.__file__); print(locales.__file__)"],
        cwd=installed.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(installed.parent.parent) for p in where), where
    helped = subprocess.run(
        [installed.parent / "school-bot", "--help"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert helped.returncode == 0, helped.stderr
    assert "sandbox" in helped.stdout


def _locale_keys() -> set[str]:
    keys = set()
    for path in (ROOT / "locales" / "ru").glob("*.ftl"):
        keys |= set(re.findall(r"^([a-z][a-z0-9-]*) =", path.read_text("utf-8"), re.MULTILINE))
    return keys


async def _wait_for_bot_text(
    http: aiohttp.ClientSession, persona: int, text: str, timeout: float = 30
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The newest bot message containing `text` (sent or edited in place), and the chat."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    revision = -1
    while True:
        left = deadline - loop.time()
        params = {"after_revision": revision, "wait": max(1, min(10, int(left)))}
        async with http.get(f"/api/personas/{persona}/chat", params=params) as response:
            assert response.status == 200, await response.text()
            chat = await response.json()
        revision = chat["revision"]
        for message in reversed(chat["messages"]):
            if message["from"] == "bot" and text in message.get("text", ""):
                return message, chat
        assert left > 0, f"no bot message with {text!r}: {chat['messages']}"


async def test_the_installed_sandbox_runs_elsewhere_and_speaks_russian(installed: Path) -> None:
    with TemporaryDirectory(prefix="bot-elsewhere-") as tmp:
        elsewhere = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
        proc = await asyncio.create_subprocess_exec(
            installed,
            "-m",
            "bot",
            "sandbox",
            "--port",
            "0",
            cwd=elsewhere,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            assert proc.stdout is not None
            line = (await asyncio.wait_for(proc.stdout.readline(), 120)).decode()
            assert line.startswith("Sandbox: open http://127.0.0.1:"), line
            url = line.split()[2].rstrip("/")
            async with aiohttp.ClientSession(base_url=url) as http:
                await _chat_in_russian(http)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            try:
                _, err = await asyncio.wait_for(proc.communicate(), 30)
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
        assert "Traceback" not in err.decode(), err.decode()[-3000:]
        # The sandbox's data went to ./data of the folder it was started in, nothing into the venv.
        assert (elsewhere / "data" / "sandbox.sqlite3").is_file()
        assert not list(installed.parent.parent.rglob("*.sqlite3"))


async def _chat_in_russian(http: aiohttp.ClientSession) -> None:
    """A new persona sends /start, chooses Russian and is asked who they are, with buttons."""
    async with http.post("/api/personas", json={"first_name": "Ира", "language_code": "ru"}) as r:
        assert r.status == 201, await r.text()
        persona = (await r.json())["persona"]["id"]
    async with http.post(f"/api/personas/{persona}/messages", json={"text": "/start"}) as r:
        assert r.status == 201, await r.text()
    greeting, _ = await _wait_for_bot_text(http, persona, "Выберите язык")
    labels = [button["text"] for row in greeting["keyboard"] for button in row]
    assert labels == ["Русский", "English"]
    async with http.post(
        f"/api/personas/{persona}/press",
        json={"button": "Русский", "message_id": greeting["id"]},
    ) as r:
        assert r.status == 200, await r.text()
    question, chat = await _wait_for_bot_text(http, persona, "Кто вы?")
    labels = [button["text"] for row in question.get("keyboard", []) for button in row]
    assert "Ученик" in labels, labels
    assert "Родитель" in labels, labels
    keys = _locale_keys()
    shown = [m.get("text", "") for m in chat["messages"]] + labels
    raw = {key for key in keys for text in shown if re.search(rf"(?<![\w-]){key}(?![\w-])", text)}
    assert not raw, f"raw locale keys shown: {raw}"


def test_without_settings_the_database_is_in_the_user_s_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.settings import Settings

    for name in ("DATA_DIR", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    default = Settings(_env_file=None)  # type: ignore[call-arg]
    assert default.database_url == (
        f"sqlite+aiosqlite:///{tmp_path / 'share' / 'school-network-bot' / 'bot.sqlite3'}"
    )
    assert str(ROOT) not in default.database_url  # never beside the code

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "mine"))
    assert Settings(_env_file=None).database_url == (  # type: ignore[call-arg]
        f"sqlite+aiosqlite:///{tmp_path / 'mine' / 'bot.sqlite3'}"
    )
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://bot@db/bot")
    assert Settings(_env_file=None).database_url == "postgresql+asyncpg://bot@db/bot"  # type: ignore[call-arg]


def test_the_sandbox_keeps_its_data_in_data_dir_else_in_the_current_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.paths import default_sandbox_database

    monkeypatch.chdir(tmp_path)
    assert default_sandbox_database() == tmp_path / "data" / "sandbox.sqlite3"
    assert default_sandbox_database(Path("elsewhere")) == tmp_path / "elsewhere" / "sandbox.sqlite3"
