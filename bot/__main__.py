"""Command line: python -m bot {run,worker,webhook,set-webhook,sandbox,migrate,demo-data,invite}."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings

COMMANDS = (
    "run",
    "worker",
    "webhook",
    "set-webhook",
    "sandbox",
    "migrate",
    "demo-data",
    "invite",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    sub.add_parser("run", help="upgrade the database, then poll Telegram and deliver messages")
    sub.add_parser("worker", help="the scheduler and the sender only (no polling)")
    sub.add_parser("webhook", help="receive updates over HTTPS from Telegram (webhook mode)")
    sub.add_parser("set-webhook", help="tell Telegram the WEBHOOK_URL and secret, then exit")
    sandbox = sub.add_parser(
        "sandbox", help="try the bot in a browser: a local fake Telegram, no token needed"
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sandbox.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    sandbox.add_argument(
        "--database", type=Path, help="its own SQLite file (default data/sandbox.sqlite3)"
    )
    sub.add_parser("migrate", help="upgrade the database to the newest schema and exit")
    sub.add_parser("demo-data", help="load the demo network (idempotent)")
    invite = sub.add_parser("invite", help="print one-time invite links for staff roles")
    invite.add_argument("--role", required=True, choices=("teacher", "coordinator", "admin"))
    invite.add_argument("--org", help="organisation code (needed for teacher and coordinator)")
    invite.add_argument("--count", type=int, default=1, help="how many invites (default 1)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    from bot.logs import configure

    configure(settings.log_level)
    if args.command in ("run", "worker", "webhook", "set-webhook") and not settings.messengers:
        print(
            "Neither BOT_TOKEN nor MAX_BOT_TOKEN is set: put the token from @BotFather "
            "(Telegram) or from the MAX partner platform into .env (see .env.example) "
            "and run again.",
            file=sys.stderr,
        )
        return 2
    try:
        return asyncio.run(_dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1


class CommandError(Exception):
    """A command could not do its job; the message says why in one line."""


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from bot.app import run_polling

        await run_polling(settings)
    elif args.command == "worker":
        from bot.app import run_worker

        await run_worker(settings)
    elif args.command == "webhook":
        from bot.webhook import run_webhook

        await run_webhook(settings)
    elif args.command == "set-webhook":
        from bot.webhook import set_webhook

        try:
            for url in await set_webhook(settings):
                print(f"Webhook set: {url}")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    elif args.command == "sandbox":
        await _sandbox(settings, args.host, args.port, args.database)
    elif args.command == "migrate":
        from models.migrate import upgrade

        await upgrade(settings.database_url)
        print("Database is up to date.")
    elif args.command == "demo-data":
        await _demo_data(settings)
    elif args.command == "invite":
        await _invite(settings, args.role, args.org, args.count)
    return 0


async def _demo_data(settings: Settings) -> None:
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


async def _sandbox(settings: Settings, host: str, port: int, database: Path | None) -> None:
    from sandbox.runner import DEFAULT_DATABASE, SandboxConfig, SandboxError, run_sandbox

    config = SandboxConfig(host=host, port=port, database=(database or DEFAULT_DATABASE).resolve())
    try:
        await run_sandbox(settings, config)
    except SandboxError as exc:
        raise CommandError(str(exc)) from None


async def _invite(settings: Settings, role: str, org_code: str | None, count: int) -> None:
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


if __name__ == "__main__":
    sys.exit(main())
