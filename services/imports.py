"""Importing the catalogue and class lists from a spreadsheet, all or nothing.

Three steps, so that the database is not held while a big file is read:
1. `sheets.read_file` (a worker thread): the file into rows, or a refusal of the whole file;
2. `check_file`: every cell read and checked in chunks in a worker thread, reporting progress;
3. `apply`: one transaction reads what the file refers to, checks the file against it
   (organisations, codes, references) and, only if nothing is wrong, writes.
Every problem of the file is reported at once; a file with any problem changes nothing. Rows are
matched to records by stable codes (organisation, course, group, a person's external code), so
importing the same file twice changes nothing; rows missing from a file delete nothing.

The steps live in their own modules, this one holds the whole act (`apply`) and the names the
chat and the tests use: import_rows (step 2), import_match (the file against the database),
import_write (writing, planning lessons, telling people), import_join (join codes).
"""

from __future__ import annotations

from datetime import datetime

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
]


async def apply(
    session: AsyncSession, actor: Actor, checked: Checked, now: datetime
) -> Report | list[Problem]:
    """Check the file against the database and, if nothing is wrong, write it.

    Returns the problems (nothing written) or what changed.
    """
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
    writer = Writer(session, known, now)
    report = await writer.write(checked)
    if report.changed:
        await record(
            session,
            actor_id=actor.person_id,
            action="import.applied",
            object_type="import",
            object_id=None,
            now=now,
            details={k: vars(c) for k, c in report.counts.items()},
        )
    return report
