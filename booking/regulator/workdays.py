"""Working days (工作日) for regulators' deadlines, by the State Council's published calendar.

`chinese-calendar` carries each year's official holidays and the make-up workdays (调休) that
fall on weekends. It knows only the years the State Council has published: for a later year
it raises NotImplementedError, and Monday–Friday is counted instead. A deadline reached that
way is *provisional* (暂定): the caller stores the flag and shows it, so nobody takes it for
the final date once the year's holidays are announced.
"""
from datetime import date, timedelta

import chinese_calendar


def is_workday(day: date) -> tuple[bool, bool]:
    """(is it a working day, was the official calendar known for it)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:  # a year not yet published: weekdays stand in
        return day.weekday() < 5, False


def add_working_days(start: date, n: int) -> date:
    """The `n`th working day after `start` (the day of receipt itself is not counted)."""
    return deadline(start, n)[0]


def deadline(start: date, n: int) -> tuple[date, bool]:
    """`add_working_days`, and whether the result is provisional (some day counted lay in a
    year whose holidays are not yet published)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day, provisional, left = start, False, n
    while left:
        day += timedelta(days=1)
        working, known = is_workday(day)
        provisional = provisional or not known
        if working:
            left -= 1
    return day, provisional
