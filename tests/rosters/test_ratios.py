"""设置标准 art. 20 at its boundaries (pure functions: no database)."""
from datetime import date

import pytest

from booking.rosters import ratios


@pytest.mark.parametrize("band,children,carers", [
    ("infant", 0, 0), ("infant", 1, 1), ("infant", 3, 1), ("infant", 4, 2), ("infant", 6, 2),
    ("infant", 7, 3), ("infant", 10, 4),
    ("toddler", 5, 1), ("toddler", 6, 2), ("toddler", 10, 2), ("toddler", 15, 3),
    ("toddler", 16, 4),
    ("preschool", 7, 1), ("preschool", 8, 2), ("preschool", 14, 2), ("preschool", 15, 3),
    ("preschool", 20, 3),
])
def test_national_table(band, children, carers):
    assert ratios.carers_needed(children, band) == carers


def test_mixed_has_no_fixed_ratio():
    with pytest.raises(ValueError):
        ratios.carers_needed(5, "mixed")


@pytest.mark.parametrize("months,band", [(5, "infant"), (11, "infant"), (12, "toddler"),
                                         (23, "toddler"), (24, "preschool"), (40, "preschool")])
def test_band_for_age(months, band):
    assert ratios.band_for_age(months) == band


def test_mixed_uses_strictest_ratio_present():
    # 14 children all 24+ months: 1:7 → 2 carers.
    assert ratios.carers_needed_mixed([30] * 14) == 2
    # One 20-month-old among them: the whole class at 1:5 → 15 children need 3.
    assert ratios.carers_needed_mixed([30] * 14 + [20]) == 3
    # 18 children, the youngest 18 months: 1:5 → 4.
    assert ratios.carers_needed_mixed([18] + [30] * 17) == 4
    assert ratios.carers_needed_mixed([]) == 0


def test_mixed_class_by_age_on_the_day():
    on = date(2026, 11, 23)
    born_24 = date(2024, 11, 23)     # 24 months that day
    born_23 = date(2024, 11, 24)     # still 23 months
    assert ratios.carers_needed_for_class("mixed", [born_24] * 7, on) == 1
    assert ratios.carers_needed_for_class("mixed", [born_24] * 6 + [born_23], on) == 2
    assert ratios.carers_needed_for_class("toddler", [born_23] * 16, on) == 4
