"""The chart of a query's matches over time: bars per month, quarter or year, worked out here
(pure data, no Flask) and drawn by the template as inline SVG (no JavaScript). Each bar links to
the same search filtered to its period; the template also lists the counts as text."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from typing import Optional

from ..model import MatchCounts

MAX_MONTHS = 36  # more months than this are shown as quarters ...
MAX_QUARTERS = 40  # ... and more quarters than this as years
WIDTH, HEIGHT, AXIS, TOP = 640, 150, 22, 16  # the SVG's size in its own units (it scales to the page)
LABELLED_SLOT = 24.0  # bars at least this far apart carry their count above them
WIDE_SLOT = 64.0  # ... and at least this far apart, the name of their month or quarter below


@dataclass
class Bar:
    label: str  # "March 2021", "Jan–Mar 2021", "2021"
    tick: str  # the label under the axis, or "" (only the first of each year is labelled)
    count: int
    since: str  # ISO dates of the period, for the filter the bar links to
    until: str
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


@dataclass
class Chart:
    unit: str  # "month", "quarter" or "year"
    bars: list[Bar] = field(default_factory=list)
    most: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    axis: int = AXIS  # room below the bars for the year labels
    top: int = TOP  # room above the tallest bar for its count
    labelled: bool = False  # each bar carries its count (else the busiest count is written at the top)

    @property
    def summary(self) -> str:
        """A one-sentence text alternative: the span, the busiest period."""
        top = [b.label for b in self.bars if b.count == self.most]
        when = top[0] if len(top) == 1 else ", ".join(top[:3]) + (" and others" if len(top) > 3 else "")
        return (
            f"Matching paragraphs per {self.unit}, {self.bars[0].label} to {self.bars[-1].label}; "
            f"the most, {self.most}, in {when}."
        )


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def usage_chart(counts: MatchCounts) -> Optional[Chart]:
    """Bars for matches per month, quarter or year (whichever keeps the bars few enough), with
    the empty periods between; None when no match has a date. Each bar's count is the one of its
    own period (``counts.quarters`` for a quarter: what the bar's filter then shows)."""
    months = counts.months
    dated = {m: n for m, n in months.items() if len(m) == 7 and m[:4].isdigit() and m[5:].isdigit() and n > 0}
    if not dated:
        return None
    first, last = min(dated), max(dated)
    y0, m0, y1, m1 = int(first[:4]), int(first[5:]), int(last[:4]), int(last[5:])
    span = (y1 - y0) * 12 + m1 - m0 + 1
    unit = "month" if span <= MAX_MONTHS else "quarter" if span <= MAX_QUARTERS * 3 else "year"
    size = {"month": 1, "quarter": 3, "year": 12}[unit]
    if unit == "quarter":
        m0 -= (m0 - 1) % 3
    elif unit == "year":
        m0 = 1
    bars: list[Bar] = []
    y, m = y0, m0
    last_year = None
    while (y, m) <= (y1, m1):
        ey, em = y + (m + size - 2) // 12, (m + size - 2) % 12 + 1  # the period's last month
        if unit == "month":
            count = dated.get(f"{y:04d}-{m:02d}", 0)
        elif unit == "quarter":
            count = counts.quarters.get(f"{y:04d}-Q{(m - 1) // 3 + 1}", 0)
        else:
            count = counts.years.get(f"{y:04d}", 0)
        if unit == "month":
            label, tick = f"{calendar.month_name[m]} {y}", (str(y) if y != last_year else "")
        elif unit == "quarter":
            label = f"{calendar.month_abbr[m]}–{calendar.month_abbr[em]} {y}"
            tick = str(y) if y != last_year else ""
        else:
            label, tick = str(y), str(y)
        bars.append(Bar(label, tick, count, f"{y:04d}-{m:02d}-01", _month_end(ey, em)))
        last_year = y
        y, m = ey + (em // 12), em % 12 + 1
    if unit != "year" and WIDTH / len(bars) >= WIDE_SLOT:  # room to name every bar
        year = None
        for b in bars:
            short = b.label.split(" ")[0][:3] if unit == "month" else b.label.split(" ")[0]
            b.tick = f"{short} {b.since[:4]}" if b.since[:4] != year else short
            year = b.since[:4]
    return _laid_out(Chart(unit, bars))


def _laid_out(chart: Chart) -> Chart:
    """Bar positions in SVG units: equal slots, heights relative to the busiest period (``y`` is
    measured from the top of the plot, below the ``top`` margin)."""
    chart.most = max(b.count for b in chart.bars) or 1
    slot = chart.width / len(chart.bars)
    chart.labelled = slot >= LABELLED_SLOT
    plot = chart.height - chart.axis - chart.top
    for i, b in enumerate(chart.bars):
        b.width = round(min(48.0, max(1.0, slot * 0.8)), 2)
        b.x = round(i * slot + (slot - b.width) / 2, 2)
        b.height = round(plot * b.count / chart.most, 2) if b.count else 0.0
        b.y = round(plot - b.height, 2)
    return chart
