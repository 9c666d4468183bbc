"""Benchmark: building a 100,000-row attendance workbook the way /export does.

Run by hand from the project root:  .venv/bin/python -m bench.export
Prints the time to build (in a worker thread, 2,000 rows a chunk), the longest the event loop
waited for a tick meanwhile, the file size and the process's peak RSS before and after.
"""

from __future__ import annotations

import asyncio
import resource
import time
from datetime import datetime, timedelta

from services.exports import COLUMNS, ExportKind, Table, build_xlsx

ROWS = 100_000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table() -> Table:
    start = datetime(2026, 9, 1, 15, 0)  # noqa: DTZ001 - Excel cells hold wall-clock times
    rows = [
        [
            start + timedelta(days=i // 30),
            "Олимпиадная математика",
            f"G-{i % 500}",
            "МБУ ДО ДШИ",
            f"Ученик {i % 10_000}",
            "МБОУ СОШ № 5",
            "присутствовал",
            start + timedelta(days=i // 30, hours=1),
        ]
        for i in range(ROWS)
    ]
    columns = COLUMNS[ExportKind.ATTENDANCE]
    return Table(
        ExportKind.ATTENDANCE,
        "Посещаемость",
        [c.header_key for c in columns],
        [c.kind for c in columns],
        rows,
        "",
    )


async def main() -> None:
    data = table()
    before = peak_rss_mb()
    longest = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal longest
        while not done.is_set():
            tick = time.perf_counter()
            await asyncio.sleep(0.01)
            longest = max(longest, time.perf_counter() - tick - 0.01)

    watcher = asyncio.create_task(ticker())
    began = time.perf_counter()
    body = await build_xlsx(data, "ru")
    spent = time.perf_counter() - began
    done.set()
    await watcher
    print(f"rows: {ROWS:,}; built in {spent:.1f} s; file {len(body) / 1e6:.1f} MB")
    print(f"longest event-loop stall while building: {longest * 1000:.0f} ms")
    print(f"peak RSS: {before:.0f} MB with the rows loaded, {peak_rss_mb():.0f} MB after")


if __name__ == "__main__":
    asyncio.run(main())
