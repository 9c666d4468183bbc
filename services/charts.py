"""Charts as PNG images for a phone, drawn with matplotlib's Agg backend.

matplotlib is imported inside each function, so the bot process pays its memory only once a
chart is drawn; the functions are synchronous and meant for a worker thread
(`asyncio.to_thread`). They use a Figure of their own rather than pyplot's global state, so
two charts drawn at once do not interfere (font sizes are set per text for the same reason).

Sizes: a chat shows a photo about as wide as the phone, 360 px on a small one (a little less
inside a message bubble). The picture is drawn twice as wide, 720 px (sharp on a phone's dense
screen), so a font size in points is its size in pixels on that phone: every text is 13 pt or
more, 13 px on a 360 px wide screen and still 11 px in a 300 px wide bubble.
Every word on a picture comes from the caller (`Labels`, names, tick labels), already in the
reader's language; the charts add numbers only.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PHONE_PX = 360  # the width a phone shows the picture at
WIDTH_PX, DPI = 720, 144  # 1 pt of text = 2 px of the picture = 1 px on the phone
WIDTH = WIDTH_PX / DPI  # inches
TEXT_PT, NAME_PT, AXIS_PT, TITLE_PT = 13, 14, 14, 16
BAR_LIMIT = 15  # groups on one chart: more would not fit a phone's screen
NAME_LINE_CHARS, NAME_LINES = 40, 2  # a group's name over its bar: wrapped, then shortened
TITLE_LINE_CHARS = 38
# Week labels under the axis are spaced so they never touch: the plot is about AXES_PX wide, a
# character of a 13 pt label about CHAR_PX, and GAP_PX keeps two labels apart.
AXES_PX, CHAR_PX, GAP_PX = 600, 16, 24
# The sizes chart grows with its groups: a line of a name (14 pt, 28 px and its leading) is
# LINE_PX of the picture, and the title, the axis and the legend take CHROME_PX.
LINE_PX, CHROME_PX = 34, 320
BAR_LINES = 0.8  # a bar's height, in lines

BLUE, ORANGE, RED, GREEN, INK = "#2b6cb0", "#c05621", "#c53030", "#2f855a", "#1a202c"


@dataclass(frozen=True)
class Labels:
    """The chart's words, already in the reader's language."""

    title: str
    axis: str  # the value axis
    series: str  # weeks: the attendance line; sizes: bars of groups at their minimum or above
    reference: str  # weeks: the benchmark line; sizes: the minimum's mark
    short: str = ""  # sizes: bars of groups below their minimum


@dataclass(frozen=True)
class Week:
    """One week with marks: its Monday, the label under the axis («14 сен») and the rate 0–1."""

    monday: date
    tick: str
    rate: float


@dataclass(frozen=True)
class Bar:
    """One group: its course and code, students enrolled and the minimum to run."""

    course: str
    code: str
    enrolled: int
    minimum: int


def _figure(height: float) -> tuple[Figure, Axes]:
    import matplotlib as mpl

    mpl.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _title(axes: Axes, text: str) -> None:
    axes.set_title(textwrap.fill(text, TITLE_LINE_CHARS), fontsize=TITLE_PT, loc="left")


def _legend(figure: Figure, columns: int, handles: list[Artist] | None = None) -> None:
    figure.legend(
        handles=handles, loc="outside lower left", ncols=columns, fontsize=TEXT_PT, frameon=False
    )


def week_ticks(positions: Sequence[float], ticks: Sequence[str]) -> list[int]:
    """Which weeks get a label: the first, then each week at least a step of calendar weeks
    further (the step is as many weeks as the longest label needs), so labels never overlap."""
    if not positions:
        return []
    week_px = AXES_PX / (positions[-1] - positions[0] + 1)
    widest = max(len(tick) for tick in ticks) * CHAR_PX + GAP_PX
    step = max(1, math.ceil(widest / week_px))
    chosen = [0]
    for i, position in enumerate(positions[1:], start=1):
        if position - positions[chosen[-1]] >= step:
            chosen.append(i)
    return chosen


def weeks_figure(weeks: Sequence[Week], target: float, labels: Labels) -> Figure:
    """Attendance (0–1) of each week with marks, placed by its date: a week without marks (not
    begun yet, holidays) is left out, and the line steps over it."""
    from matplotlib.ticker import MultipleLocator

    figure, axes = _figure(4.6)
    first = weeks[0].monday if weeks else date.min
    positions = [(w.monday - first).days / 7 for w in weeks]
    axes.plot(
        positions,
        [w.rate * 100 for w in weeks],
        marker="o",
        markersize=7,
        linewidth=2.5,
        color=BLUE,
        label=labels.series,
    )
    axes.axhline(target * 100, color=ORANGE, linestyle="--", linewidth=2, label=labels.reference)
    axes.set_ylim(0, 105)
    axes.yaxis.set_major_locator(MultipleLocator(20))
    axes.set_ylabel(labels.axis, fontsize=AXIS_PT)
    chosen = week_ticks(positions, [w.tick for w in weeks])
    axes.set_xticks([positions[i] for i in chosen], [weeks[i].tick for i in chosen])
    last = positions[-1] if positions else 0
    margin = max(0.5, (last + 1) * 0.06)  # the first label clear of the value axis's "0"
    axes.set_xlim(-margin, last + margin)
    axes.tick_params(labelsize=TEXT_PT)
    axes.grid(axis="y", alpha=0.3)
    _title(axes, labels.title)
    _legend(figure, 2)
    return figure


def bar_name(bar: Bar) -> str:
    """A group's name over its bar, «Course (CODE)», in at most two lines; a longer course is
    cut with «…», and the code stays, since it tells two groups of a course apart."""
    return "\n".join(
        textwrap.wrap(
            f"{bar.course} ({bar.code})",
            NAME_LINE_CHARS,
            max_lines=NAME_LINES,
            placeholder=f" … ({bar.code})",
            break_on_hyphens=False,
        )
        or [""]
    )


def sizes_figure(bars: Sequence[Bar], labels: Labels) -> Figure:
    """Students enrolled in each group as a bar (red below the minimum, green at it or above),
    the minimum as a dark mark across the bar, the group's name over its bar (the whole width
    of a phone is left to the names and the bars)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    bars = bars[:BAR_LIMIT]
    names = [bar_name(b) for b in bars]
    # Rows in "lines": each name's lines, then its bar and a gap.
    tops: list[float] = []  # where each bar begins
    y = 0.0
    for name in names:
        y += name.count("\n") + 1
        tops.append(y + 0.1)
        y += 0.1 + BAR_LINES + 0.35
    figure, axes = _figure((CHROME_PX + y * LINE_PX) / DPI)
    colours = [RED if b.enrolled < b.minimum else GREEN for b in bars]
    middles = [top + BAR_LINES / 2 for top in tops]
    axes.barh(middles, [b.enrolled for b in bars], height=BAR_LINES, color=colours)
    axes.vlines(
        [b.minimum for b in bars],
        [top - 0.05 for top in tops],
        [top + BAR_LINES + 0.05 for top in tops],
        colors=INK,
        linewidth=3,
    )
    widest = max([max(b.enrolled, b.minimum) for b in bars] or [1])
    right = max(widest * 1.12, 1)
    pad = right * GAP_PX / 2 / AXES_PX  # a little room between a bar and its count
    for bar, name, top, middle in zip(bars, names, tops, middles, strict=True):
        axes.text(0, top - 0.1, name, fontsize=NAME_PT, va="bottom", ha="left")
        # The count just after its bar, unless the minimum's mark would cross it: then after
        # the mark.
        count = str(bar.enrolled)
        needs = right * (len(count) * CHAR_PX + GAP_PX) / AXES_PX
        crossed = bar.enrolled < bar.minimum <= bar.enrolled + needs
        axes.text(
            (bar.minimum if crossed else bar.enrolled) + pad,
            middle,
            count,
            fontsize=TEXT_PT,
            va="center",
            ha="left",
            fontweight="bold",
        )
    axes.set_xlim(0, right)
    axes.set_ylim(y, 0)
    axes.set_yticks([])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    axes.tick_params(labelsize=TEXT_PT)
    axes.set_xlabel(labels.axis, fontsize=AXIS_PT)
    axes.grid(axis="x", alpha=0.3)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    _title(axes, labels.title)
    handles = [
        Patch(color=GREEN, label=labels.series),
        Patch(color=RED, label=labels.short),
        Line2D(
            [],
            [],
            color=INK,
            marker="|",
            markersize=18,
            markeredgewidth=3,
            linestyle="None",
            label=labels.reference,
        ),
    ]
    _legend(figure, 1, handles)
    return figure


def attendance_weeks_png(weeks: Sequence[Week], target: float, labels: Labels) -> bytes:
    return png(weeks_figure(weeks, target, labels))


def groups_minimum_png(bars: Sequence[Bar], labels: Labels) -> bytes:
    return png(sizes_figure(bars, labels))
