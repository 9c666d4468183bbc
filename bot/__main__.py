"""The bot's command line: python -m bot COMMAND (or school-bot COMMAND when installed).

Every command, its help and what it runs are in COMMAND_LIST below, once.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent
from typing import Any

from bot import paths
from bot.settings import Settings, SettingsError, load_settings


class CommandError(Exception):
    """A command could not do its job; the message says why in one line."""


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # one line in `python -m bot --help`
    description: str  # what `python -m bot NAME --help` says it does
    run: Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, None]]
    arguments: Callable[[argparse.ArgumentParser], None] | None = None
    needs_token: bool = False  # refuses to start without BOT_TOKEN or MAX_BOT_TOKEN


async def _run(args: argparse.Namespace, settings: Settings) -> None:
    from bot.app import run_polling

    await run_polling(settings)


async def _worker(args: argparse.Namespace, settings: Settings) -> None:
    from bot.app import run_worker

    await run_worker(settings)


async def _webhook(args: argparse.Namespace, settings: Settings) -> None:
    from bot.webhook import run_webhook

    await run_webhook(settings)


async def _set_webhook(args: argparse.Namespace, settings: Settings) -> None:
    from bot.webhook import set_webhook

    try:
        for url in await set_webhook(settings):
            print(f"Webhook set: {url}")
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _sandbox_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free)")
    parser.add_argument(
        "--database",
        type=Path,
        help="its own SQLite file (default sandbox.sqlite3 in DATA_DIR, else in ./data)",
    )


async def _sandbox(args: argparse.Namespace, settings: Settings) -> None:
    from sandbox.runner import SandboxConfig, SandboxError, run_sandbox

    database = args.database or paths.default_sandbox_database(settings.data_dir)
    config = SandboxConfig(host=args.host, port=args.port, database=database.resolve())
    try:
        await run_sandbox(settings, config)
    except SandboxError as exc:
        raise CommandError(str(exc)) from None


async def _migrate(args: argparse.Namespace, settings: Settings) -> None:
    from models.migrate import upgrade

    await upgrade(settings.database_url)
    print("Database is up to date.")


async def _demo_data(args: argparse.Namespace, settings: Settings) -> None:
    from bot.demo_data import load_demo_data
    from models.db import create_engine, create_session_factory
    from models.migrate import upgrade
    from services.clock import SystemClock

    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            summary = await load_demo_data(session, SystemClock().now())
            await session.commit()
    finally:
        await engine.dispose()
    verb = "Loaded" if summary.created else "Already loaded"
    print(
        f"{verb}: {summary.organisations} organisations, {summary.courses} courses, "
        f"{summary.groups} groups, {summary.lessons} lessons, {summary.people} people."
    )


def _invite_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", required=True, choices=("teacher", "coordinator", "admin"))
    parser.add_argument("--org", help="organisation code (needed for teacher and coordinator)")
    parser.add_argument("--count", type=int, default=1, help="how many invites (default 1)")


async def _invite(args: argparse.Namespace, settings: Settings) -> None:
    role, org_code, count = args.role, args.org, args.count
    from sqlalchemy import select

    from models import Organisation
    from models.db import create_engine, create_session_factory
    from models.enums import Role
    from models.migrate import upgrade
    from services import people
    from services.clock import SystemClock
    from services.errors import DomainError

    if count < 1 or count > 100:
        raise CommandError("--count must be between 1 and 100.")
    await upgrade(settings.database_url)
    links = await _start_links(settings)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            org_id = None
            if org_code:
                org_id = await session.scalar(
                    select(Organisation.id).where(Organisation.code == org_code)
                )
                if org_id is None:
                    codes = (await session.scalars(select(Organisation.code))).all()
                    raise CommandError(
                        f"Unknown organisation {org_code!r}; known: {', '.join(codes) or 'none'}."
                    )
            codes = []
            for _ in range(count):
                try:
                    invite = await people.create_invite(
                        session, role=Role(role), org_id=org_id, now=SystemClock().now()
                    )
                except DomainError as exc:
                    raise CommandError(
                        "Teachers and coordinators need --org."
                        if exc.key == "error-invite-needs-org"
                        else f"Cannot create the invite ({exc.key})."
                    ) from None
                codes.append(invite.code)
            await session.commit()
    finally:
        await engine.dispose()
    from handlers.start import INVITE_PREFIX

    for code in codes:
        payload = INVITE_PREFIX + code
        # One line per invite: a link for each messenger served, or the command to type.
        print("  ".join(link.format(payload=payload) for link in links) or f"/start {payload}")


async def _start_links(settings: Settings) -> list[str]:
    """Deep-link patterns of the bot on each messenger with a token (the bot's name is asked
    from the messenger); without tokens, invites are printed as commands."""
    links = []
    if settings.bot_token is not None:
        from bot.factory import create_bot

        bot = create_bot(settings.bot_token.get_secret_value(), settings)
        try:
            me = await bot.get_me()
        except Exception as exc:
            raise CommandError(f"Cannot reach the Bot API to learn the bot's name: {exc}") from None
        finally:
            await bot.session.close()
        from handlers.ui import TELEGRAM_START_LINK

        links.append(TELEGRAM_START_LINK.format(username=me.username, payload="{payload}"))
    if settings.max_bot_token is not None:
        from bot.max import max_client
        from bot.max.session import MaxSession

        client = max_client(settings.max_bot_token.get_secret_value(), settings.max_api_base_url)
        try:
            max_me = await client.get_me()
        except Exception as exc:
            raise CommandError(f"Cannot reach MAX to learn the bot's name: {exc}") from None
        finally:
            await client.close_session()
        pattern = MaxSession.start_link_pattern
        links.append(pattern.format(username=max_me.username, payload="{payload}"))
    return links


COMMAND_LIST = (
    Command(
        "run",
        "the bot on one machine: Telegram and/or MAX by long polling, reminders, delivery",
        """
        Run the whole bot in one process, for one machine. It upgrades the database,
        then long-polls each messenger that has a token: Telegram (BOT_TOKEN, from
        @BotFather) and MAX (MAX_BOT_TOKEN, from the MAX partner platform); with both
        tokens one process serves both. It also runs the scheduler (reminders, digests)
        and the sender that delivers notifications. With neither token it stops with
        one line. Ctrl+C or SIGTERM stops it.
        """,
        _run,
        needs_token=True,
    ),
    Command(
        "worker",
        "the scheduler and the sender only, no updates received; one active at a time",
        """
        Run the scheduler (reminders, digests, broadcast progress) and the sender that
        delivers notifications to Telegram (BOT_TOKEN) and/or MAX (MAX_BOT_TOKEN),
        without receiving updates: the companion of `webhook` processes. It upgrades
        the database first. Exactly one worker is active: a second one waits and takes
        over when the first stops (a PostgreSQL advisory lock, or a lock file beside a
        SQLite database). Ctrl+C or SIGTERM stops it.
        """,
        _worker,
        needs_token=True,
    ),
    Command(
        "webhook",
        "receive updates from Telegram and/or MAX over HTTPS (webhook mode)",
        """
        Serve webhooks on WEBHOOK_HOST:WEBHOOK_PORT: Telegram posts to WEBHOOK_PATH
        (with BOT_TOKEN), MAX to MAX_WEBHOOK_PATH (with MAX_BOT_TOKEN), each request
        checked against its secret header (WEBHOOK_SECRET, MAX_WEBHOOK_SECRET); GET
        /health answers a load balancer. Several such processes can run behind one
        (with REDIS_URL for shared conversation state), beside one `worker`; run
        `migrate` before. SIGTERM stops taking requests and lets handlers finish.
        """,
        _webhook,
        needs_token=True,
    ),
    Command(
        "set-webhook",
        "register the webhook addresses with Telegram and/or MAX, then exit",
        """
        Tell each messenger with a token where to post updates: Telegram WEBHOOK_URL +
        WEBHOOK_PATH with WEBHOOK_SECRET, MAX WEBHOOK_URL + MAX_WEBHOOK_PATH with
        MAX_WEBHOOK_SECRET. Prints each address set.
        """,
        _set_webhook,
        needs_token=True,
    ),
    Command(
        "sandbox",
        "try the bot in a browser: a local fake Telegram and fake MAX, no token needed",
        """
        Try the bot without Telegram, MAX or any token. One process runs a local fake
        Telegram Bot API, a fake MAX API, the real bot polling both, and a chat page
        with a JSON API at the printed address, with the demo network's people as
        personas. It keeps its own SQLite database, never DATABASE_URL's: --database,
        else sandbox.sqlite3 in DATA_DIR, else data/sandbox.sqlite3 in the current
        folder. Ctrl+C or SIGTERM stops it.
        """,
        _sandbox,
        _sandbox_arguments,
    ),
    Command(
        "migrate",
        "upgrade the database to the newest schema and exit",
        """
        Upgrade the database (DATABASE_URL; without it, bot.sqlite3 in DATA_DIR or in
        the user's data folder) to the newest schema, then exit. `run` and `worker` do
        this themselves when they start.
        """,
        _migrate,
    ),
    Command(
        "demo-data",
        "load the demo network: organisations, courses, groups, people (idempotent)",
        """
        Upgrade the database, then load the demo network from the seed documents: four
        organisations with their courses, groups, lessons and people. Running it again
        changes nothing.
        """,
        _demo_data,
    ),
    Command(
        "invite",
        "print one-time invite links for staff roles",
        """
        Create one-time invites for a staff role and print one line per invite: a deep
        link for each messenger with a token (the bot's name is asked from Telegram and
        MAX), or, without tokens, the `/start inv-...` command to send the bot.
        Teachers and coordinators belong to an organisation (--org).
        """,
        _invite,
        _invite_arguments,
    ),
)
COMMANDS = tuple(command.name for command in COMMAND_LIST)
_BY_NAME = {command.name: command for command in COMMAND_LIST}


def _epilog() -> str:
    return (
        "Settings come from the environment and ./.env (see .env.example). Without "
        "DATABASE_URL the database is bot.sqlite3 in DATA_DIR, by default the user's data "
        f"folder ({paths.bot_data_dir()}). `python -m bot COMMAND --help` says what a "
        "command does."
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="school-bot" if Path(sys.argv[0]).name == "school-bot" else "python -m bot",
        description=(
            "The chat bot of a network of schools, on Telegram and on MAX: the network's "
            "courses, applications, parents' consent, timetables, attendance, reports."
        ),
        epilog=_epilog(),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for command in COMMAND_LIST:
        child = sub.add_parser(
            command.name,
            help=command.summary,
            description=dedent(command.description).strip(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if command.arguments is not None:
            command.arguments(child)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = _BY_NAME[args.command]
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    from bot.logs import configure

    configure(settings.log_level)
    if command.needs_token and not settings.messengers:
        print(
            "Neither BOT_TOKEN nor MAX_BOT_TOKEN is set: put the token from @BotFather "
            "(Telegram) or from the MAX partner platform into .env (see .env.example) "
            "and run again.",
            file=sys.stderr,
        )
        return 2
    # A process started in the background by a script inherits SIGINT ignored; every command
    # stops on Ctrl+C (SIGINT) all the same, as `run` and `webhook` do with their own handlers.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        asyncio.run(command.run(args, settings))
    except KeyboardInterrupt:
        return 130
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
