"""Carer-to-child ratios (保教人员与婴幼儿比例): pure functions, no database.

《托育机构设置标准（试行）》 (国卫人口发〔2019〕58号) art. 20: the ratio of carers to children
shall be "not lower than" 1:3 for 乳儿班 (6–12 months), 1:5 for 托小班 (12–24 months) and
1:7 for 托大班 (24–36 months). A mixed class (混合编班, art. 19) has no national ratio; the
system uses the strictest ratio of the ages present (docs/domain.md, a *default*).
"""
from collections.abc import Iterable
from datetime import date
from math import ceil

from ..centres.bands import AGE_BANDS, age_in_months


def band_for_age(months: int) -> str:
    """The single-age band for a child of `months` months (设置标准 art. 19).

    Under 12 months counts as ``infant`` (so a 5-month-old is never treated more leniently),
    36 months and over as ``preschool``.
    """
    if months < AGE_BANDS["infant"].max_months:
        return "infant"
    if months < AGE_BANDS["toddler"].max_months:
        return "toddler"
    return "preschool"


def children_per_carer(band: str) -> int:
    """Children one carer may look after in `band` (设置标准 art. 20: 3, 5 or 7).

    :raises ValueError: for ``mixed``, whose ratio depends on the ages present.
    """
    ratio = AGE_BANDS[band].children_per_carer
    if ratio is None:
        raise ValueError("a mixed class has no fixed ratio; use carers_needed_mixed")
    return ratio


def carers_needed(children: int, band: str) -> int:
    """Carers needed for `children` children of one band: ceil(n / children per carer).

    设置标准 art. 20 ("not lower than" 1:3 / 1:5 / 1:7): 15 toddlers need 3 carers, 16 need 4;
    3 infants need 1, 4 need 2; 7 preschool children need 1, 8 need 2.
    """
    if children < 0:
        raise ValueError("children must be >= 0")
    return ceil(children / children_per_carer(band)) if children else 0


def strictest_ratio(bands: Iterable[str]) -> int | None:
    """The smallest children-per-carer among `bands` (None when there are none)."""
    ratios = [children_per_carer(b) for b in bands]
    return min(ratios) if ratios else None


def carers_needed_mixed(ages_in_months: Iterable[int]) -> int:
    """Carers for a mixed class (混合编班): all the children at the strictest ratio present.

    设置标准 art. 20 sets no mixed ratio; docs/domain.md takes the strictest ratio of the ages
    present, so one 20-month-old among 24–36-month-olds puts the whole class at 1:5.
    """
    ages = list(ages_in_months)
    ratio = strictest_ratio({band_for_age(m) for m in ages})
    return ceil(len(ages) / ratio) if ages else 0


def carers_needed_for_class(class_band: str, birth_dates: Iterable[date], on_date: date) -> int:
    """Carers needed on `on_date` for a class of `class_band` with children born on
    `birth_dates`. A single-band class uses its band's ratio (设置标准 art. 20); a mixed
    class the strictest ratio of the children's bands by age in months on that day.
    """
    births = list(birth_dates)
    if class_band == "mixed":
        return carers_needed_mixed(age_in_months(b, on_date) for b in births)
    return carers_needed(len(births), class_band)
