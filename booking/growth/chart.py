"""The geometry of a child's growth chart, drawn as SVG on the server (templates/growth/
_chart.html): the WHO −2/0/+2 SD curves for the child's sex and the child's points. No
JavaScript; the page puts the same points in a table beside it (docs/growth.md, "The chart")."""
import math
from dataclasses import dataclass, field

from . import standards

WIDTH, HEIGHT = 360, 250
LEFT, RIGHT, TOP, BOTTOM = 40, 30, 12, 34
CURVES = (-2, 0, 2)


@dataclass
class Chart:
    indicator: str  # wfa | lhfa
    unit: str
    x_ticks: list = field(default_factory=list)   # (x, months)
    y_ticks: list = field(default_factory=list)   # (y, value)
    curves: list = field(default_factory=list)    # (z, "x,y x,y ...", label x, label y)
    points: list = field(default_factory=list)    # (cx, cy, value, Point)
    plot: tuple = (LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM)
    width: int = WIDTH
    height: int = HEIGHT


def _months_shown(points, age_now_months: float) -> range:
    """From birth to a little past the latest of today's age and the last point, in whole
    half-years, at least a year and at most the standards' 5 years."""
    latest = max([age_now_months] + [p.age_months for p in points])
    end = min(60, max(12, int(math.ceil((latest + 1) / 6.0)) * 6))
    return range(0, end + 1)


def _nice_step(span: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20):
        if span / step <= 8:
            return step
    return 50


def build(indicator: str, sex: str, points, age_now_months: float) -> Chart | None:
    """The chart of `indicator` ("wfa": weight in kg, "lhfa": length/height in cm), or None
    without a sex (the standards differ for girls and boys)."""
    if sex not in ("f", "m"):
        return None
    attr = "weight_kg" if indicator == "wfa" else "height_cm"
    mine = [p for p in points if getattr(p, attr) is not None
            and 0 <= p.age_days <= standards.MAX_DAYS]
    months = _months_shown(mine, min(age_now_months, 60))
    lines = {z: standards.curve(indicator, sex, z, months) for z in CURVES}
    values = [v for line in lines.values() for _, v in line] + [getattr(p, attr) for p in mine]
    step = _nice_step(max(values) - min(values))
    lo = math.floor(min(values) / step) * step
    hi = math.ceil(max(values) / step) * step
    x0, y0, w, h = LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    m_end = months[-1]

    def x(m):
        return round(x0 + w * m / m_end, 1)

    def y(v):
        return round(y0 + h * (hi - v) / (hi - lo), 1)

    chart = Chart(indicator, "kg" if indicator == "wfa" else "cm")
    tick = 3 if m_end <= 24 else 6 if m_end <= 36 else 12
    chart.x_ticks = [(x(m), m) for m in range(0, m_end + 1, tick)]
    v = lo
    while v <= hi + 1e-9:
        chart.y_ticks.append((y(v), f"{v:g}"))
        v += step
    for z, line in lines.items():
        path = " ".join(f"{x(m)},{y(val)}" for m, val in line)
        chart.curves.append((z, path, x(m_end) + 3, y(line[-1][1]) + 4))
    chart.points = [(x(p.age_months), y(getattr(p, attr)), getattr(p, attr), p) for p in mine]
    return chart
