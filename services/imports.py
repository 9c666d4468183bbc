"""Importing the catalogue and class lists from a spreadsheet, all or nothing.

Three steps, so that the database is not held while a big file is read:
1. `sheets.read_file` (a worker thread): the file into rows, or a refusal of the whole file;
2. `check_file`: every cell read and checked in chunks in a worker thread, reporting progress;
   the template's example rows are set apart (never imported);
3. `preview`, then `apply`: one transaction reads what the file refers to, checks the file
   against it (organisations, codes, references) and, only if nothing is wrong, writes. The
   preview does it all inside a savepoint that is rolled back, so what it reports is what the
   writer itself did, and nothing of it stays; `apply` does it for good once the person
   confirms, and refuses to (returning `Outdated`) if the database changed meanwhile so
   that the file would now do something else than the preview said.
Every problem of the file is reported at once; a file with any problem changes nothing. Rows are
matched to records by stable codes (organisation, course, group, a person's external code), so
importing the same file twice changes nothing; rows missing from a file delete nothing.

The steps live in their own modules, this one holds the whole act (`preview`, `apply`) and the
names the chat and the tests use: import_rows (step 2), import_match (the file against the
database), import_write (writing, planning lessons, telling people), import_join (join codes).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.audit import record
from services.import_join import JoinCode, example_dates, example_org_code, join_codes
from services.import_match import cross_check, importable_orgs, in_order, load_known
from services.import_rows import CHUNK_ROWS, Checked, Problem, Progress, Row, check_file
from services.import_write import Counts, Report, Writer

__all__ = [
    "CHUNK_ROWS",
    "Checked",
    "Counts",
    "JoinCode",
    "Outdated",
    "Problem",
    "Progress",
    "Report",
    "Row",
    "apply",
    "check_file",
    "example_dates",
    "example_org_code",
    "importable_orgs",
    "join_codes",
    "new_token",
    "preview",
]


@dataclass(frozen=True)
class Outdated:
    """Nothing written: the database changed since the preview, and the file would now do
    what `report` says instead."""

    report: Report


def new_token() -> str:
    """A preview's own token: its buttons are stale once another preview or the import
    itself has taken its place."""
    return secrets.token_hex(8)


async def preview(
    session: AsyncSession, actor: Actor, checked: Checked, now: datetime
) -> Report | list[Problem]:
    """What importing the file would change (or its problems), found by importing it inside
    a savepoint that is then rolled back: nothing is kept."""
    async with session.begin_nested() as savepoint:
        outcome = await _import(session, actor, checked, now)
        await savepoint.rollback()
    return outcome


async def apply(
    session: AsyncSession,
    actor: Actor,
    checked: Checked,
    now: datetime,
    expected: dict[str, Any] | None = None,
) -> Report | list[Problem] | Outdated:
    """Check the file against the database and, if nothing is wrong, write it.

    Returns the problems (nothing written) or what changed. With `expected` (a preview's
    `Report.as_data()`), writes only if the file still does exactly that.
    """
    async with session.begin_nested() as savepoint:
        outcome = await _import(session, actor, checked, now)
        if isinstance(outcome, list):
            return outcome
        if expected is not None and outcome.as_data() != expected:
            await savepoint.rollback()
            return Outdated(outcome)
    if outcome.changed:
        await record(
            session,
            actor_id=actor.person_id,
            action="import.applied",
            object_type="import",
            object_id=None,
            now=now,
            details={k: vars(c) for k, c in outcome.counts.items()},
        )
    return outcome


async def _import(
    session: AsyncSession, actor: Actor, checked: Checked, now: datetime
) -> Report | list[Problem]:
    allowed = importable_orgs(actor)
    if any(p.row in (None, 1) for p in checked.problems):
        # A sheet or a column is wrong: its rows were not read, so references to them
        # would only add noise.
        return in_order(checked, checked.problems)
    # Rows with unreadable cells are already reported; the others are checked together.
    readable = Checked(
        {kind: [r for r in rows if r.ok] for kind, rows in checked.tables.items()},
        checked.sheet_names,
    )
    known = await load_known(session, readable)
    problems = checked.problems + cross_check(readable, known, allowed)
    if problems:
        return in_order(checked, problems)
    return await Writer(session, known, now).write(checked)
