"""A per-month bar chart of matches, drawn on the server as plain SVG numbers."""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

MAX_MONTHS = 240


@dataclass(frozen=True)
class Bar:
    month: str  # YYYY-MM
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def rect(self) -> SafeString:
        """The rect's geometry attributes. Written here, not by the template: a template
        localizes every number it prints (a comma for the decimal point in some languages,
        which SVG cannot read)."""
        return mark_safe(f'x="{self.x}" y="{self.y}" width="{self.width}" height="{self.height}"')


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    first: str
    last: str


def _next(month: tuple[int, int]) -> tuple[int, int]:
    year, m = month
    return (year + 1, 1) if m == 12 else (year, m + 1)


def month_bars(months: list[tuple[str, int]], *, width: int = 600,
               height: int = 80) -> Chart | None:
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
    top = max(n for _, n in series)
    step = min(width / len(series), 24)  # a few months stay narrow bars, not slabs
    width = round(step * len(series))
    bars = []
    for i, (key, n) in enumerate(series):
        h = (height - 2) * n / top
        bars.append(Bar(key, n, round(i * step + step * 0.1, 2), round(height - h, 2),
                        round(step * 0.8, 2), round(h, 2)))
    return Chart(width, height, bars, series[0][0], series[-1][0])
