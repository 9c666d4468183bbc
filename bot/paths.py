"""Where the bot keeps its files when the settings do not say (the rule is in the README).

`DATA_DIR`, when set, is the folder for everything: the bot's SQLite database and its worker
lock, and the sandbox's database and clock. When it is not set, the bot uses the user's data
folder (`~/.local/share/school-network-bot` on Linux), never the folder the code is installed
in, and the sandbox, a development tool, uses `./data` in the current folder.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "school-network-bot"
BOT_DATABASE = "bot.sqlite3"
SANDBOX_DATABASE = "sandbox.sqlite3"


def bot_data_dir(configured: Path | None = None) -> Path:
    """The bot's data folder: DATA_DIR, else the user's data folder."""
    if configured is not None:
        return configured.expanduser().resolve()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def sandbox_data_dir(configured: Path | None = None) -> Path:
    """The sandbox's data folder: DATA_DIR, else `data` in the current folder."""
    return (configured or Path("data")).expanduser().resolve()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def default_database_url(configured: Path | None = None) -> str:
    return sqlite_url(bot_data_dir(configured) / BOT_DATABASE)


def default_sandbox_database(configured: Path | None = None) -> Path:
    return sandbox_data_dir(configured) / SANDBOX_DATABASE
