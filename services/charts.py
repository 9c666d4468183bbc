"""Charts as PNG images, drawn with matplotlib's Agg backend.

matplotlib is imported inside each function, so the bot process pays its memory only once a
chart is drawn; the functions are synchronous and meant for a worker thread
(`asyncio.to_thread`). They use a Figure of their own rather than pyplot's global state, so
two charts drawn at once do not interfere.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

WIDTH, DPI = 8.0, 120
BAR_LIMIT = 25  # groups on one chart; more would not read


@dataclass(frozen=True)
class Labels:
    """The chart's words, already in the reader's language."""

    title: str
    y_axis: str
    first: str  # the series' legend
    second: str  # the reference line's legend


def _figure(height: float) -> tuple[Any, Any]:
    import matplotlib as mpl

    mpl.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def attendance_weeks_png(
    weeks: list[str], rates: list[float | None], target: float, labels: Labels
) -> bytes:
    """Attendance rate (0–1) per week as a line, weeks without marks left as gaps."""
    figure, axes = _figure(4.5)
    values = [r * 100 if r is not None else float("nan") for r in rates]
    positions = list(range(len(weeks)))
    axes.plot(positions, values, marker="o", color="#2b6cb0", label=labels.first)
    axes.axhline(target * 100, color="#c05621", linestyle="--", label=labels.second)
    axes.set_ylim(0, 105)
    axes.set_ylabel(labels.y_axis)
    axes.set_title(labels.title)
    axes.set_xticks(positions, weeks, rotation=45, ha="right", fontsize=8)
    axes.grid(axis="y", alpha=0.3)
    figure.legend(loc="outside lower center", ncols=2)
    return _png(figure)


def groups_minimum_png(
    names: list[str], enrolled: list[int], minimum: list[int], labels: Labels
) -> bytes:
    """Students enrolled in each group as bars (red below the minimum), the minimum as a tick."""
    names, enrolled, minimum = names[:BAR_LIMIT], enrolled[:BAR_LIMIT], minimum[:BAR_LIMIT]
    figure, axes = _figure(max(2.5, 0.45 * len(names) + 1.5))
    positions = list(range(len(names)))
    colours = ["#c53030" if e < m else "#2f855a" for e, m in zip(enrolled, minimum, strict=True)]
    axes.barh(positions, enrolled, color=colours, label=labels.first)
    axes.scatter(minimum, positions, marker="|", s=400, color="#1a202c", label=labels.second)
    axes.set_yticks(positions, names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(labels.y_axis)
    axes.set_title(labels.title)
    axes.grid(axis="x", alpha=0.3)
    figure.legend(loc="outside lower center", ncols=2)
    return _png(figure)
