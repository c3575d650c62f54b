"""The chart of a query's matches over time: bars per month, quarter or year, worked out here
(pure data, no Flask) and drawn by the template as inline SVG (no JavaScript). Each bar links to
the same search filtered to its period; the template also lists the counts as text."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from typing import Optional

MAX_MONTHS = 36  # more months than this are shown as quarters ...
MAX_QUARTERS = 40  # ... and more quarters than this as years
WIDTH, HEIGHT, AXIS = 640, 150, 22  # the SVG's size in its own units (it scales to the page)


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
    axis: int = AXIS

    @property
    def summary(self) -> str:
        """A one-sentence text alternative: the span, the busiest period."""
        busiest = max(self.bars, key=lambda b: b.count)
        return (
            f"Matching paragraphs per {self.unit}, {self.bars[0].label} to {self.bars[-1].label}; "
            f"the most, {busiest.count}, in {busiest.label}."
        )


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def usage_chart(months: dict[str, int]) -> Optional[Chart]:
    """Bars for matches per month (``{"2021-03": 4}``), with the empty periods between; None
    when no match has a date."""
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
        count = sum(dated.get(f"{yy:04d}-{mm:02d}", 0) for yy, mm in _months(y, m, size))
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
    return _laid_out(Chart(unit, bars))


def _months(y: int, m: int, n: int) -> list[tuple[int, int]]:
    out = []
    for _ in range(n):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _laid_out(chart: Chart) -> Chart:
    """Bar positions in SVG units: equal slots, heights relative to the busiest period."""
    chart.most = max(b.count for b in chart.bars)
    slot = chart.width / len(chart.bars)
    plot = chart.height - chart.axis
    for i, b in enumerate(chart.bars):
        b.width = round(min(48.0, max(1.0, slot * 0.8)), 2)
        b.x = round(i * slot + (slot - b.width) / 2, 2)
        b.height = round(plot * b.count / chart.most, 2) if b.count else 0.0
        b.y = round(plot - b.height, 2)
    return chart
