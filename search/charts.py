"""A per-month bar chart of matches, drawn on the server as plain SVG numbers.

Bars show each month's matches, or (``totals`` given) their share of all the archive's
articles of that month: attention over time, not just volume. Years are labelled under the
bars and the tallest bar's value beside the axis, so the chart reads without hovering.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

MAX_MONTHS = 240
LABEL_ROOM = 16  # pixels under the bars for the year labels


@dataclass(frozen=True)
class Bar:
    month: str  # YYYY-MM
    count: int
    x: float
    y: float
    width: float
    height: float
    total: int = 0  # all the archive's articles of the month, when showing shares

    @property
    def rect(self) -> SafeString:
        """The rect's geometry attributes. Written here, not by the template: a template
        localizes every number it prints (a comma for the decimal point in some languages,
        which SVG cannot read)."""
        return mark_safe(f'x="{self.x}" y="{self.y}" width="{self.width}" height="{self.height}"')

    @property
    def share(self) -> str:
        return _percent(self.count / self.total) if self.total else ""


@dataclass(frozen=True)
class Label:
    text: str
    x: float

    @property
    def position(self) -> SafeString:
        return mark_safe(f'x="{self.x}"')


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    first: str
    last: str
    labels: list[Label]
    top: str  # the tallest bar's value, as shown beside the axis
    shares: bool = False
    bars_height: int = 0

    @property
    def label_y(self) -> SafeString:
        return mark_safe(f'y="{self.height - 3}"')


def _next(month: tuple[int, int]) -> tuple[int, int]:
    year, m = month
    return (year + 1, 1) if m == 12 else (year, m + 1)


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%" if value < 0.1 else f"{value * 100:.0f}%"


def month_bars(months: list[tuple[str, int]], *, totals: dict[str, int] | None = None,
               width: int = 600, height: int = 80) -> Chart | None:
    """Bars for every month from the first to the last with matches (gaps drawn empty)."""
    counts = {m: n for m, n in months if n}
    if not counts:
        return None
    keys = sorted(counts)
    cursor = (int(keys[0][:4]), int(keys[0][5:7]))
    end = (int(keys[-1][:4]), int(keys[-1][5:7]))
    series = []
    while cursor <= end and len(series) < MAX_MONTHS:
        key = f"{cursor[0]:04d}-{cursor[1]:02d}"
        series.append((key, counts.get(key, 0)))
        cursor = _next(cursor)
    values = [n / totals[key] if totals and totals.get(key) else (0 if totals else n)
              for key, n in series]
    top = max(values) or 1
    step = min(width / len(series), 24)  # a few months stay narrow bars, not slabs
    width = max(round(step * len(series)), 60)
    bars, labels = [], []
    for i, ((key, n), value) in enumerate(zip(series, values, strict=True)):
        h = (height - 2) * value / top
        bars.append(Bar(key, n, round(i * step + step * 0.1, 2), round(height - h, 2),
                        round(step * 0.8, 2), round(h, 2), (totals or {}).get(key, 0)))
        if i == 0 or key.endswith("-01"):
            labels.append(Label(key[:4], round(i * step, 2)))
    shown_top = _percent(top) if totals else f"{int(top):,}"
    return Chart(width, height + LABEL_ROOM, bars, series[0][0], series[-1][0],
                 _spaced(labels), shown_top, bool(totals), height)


def _spaced(labels: list[Label]) -> list[Label]:
    """Year labels at least 32 px apart, so they never overlap; a January beats the first
    bar's year when the two collide (that year began before the chart)."""
    kept: list[Label] = []
    for label in labels:
        if not kept or label.x - kept[-1].x >= 32:
            kept.append(label)
        elif len(kept) == 1 and kept[0].x == 0:
            kept[0] = label
    return kept
