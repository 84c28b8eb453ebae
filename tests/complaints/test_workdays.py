"""Working days by the State Council's calendar (chinese-calendar 1.11: 2004–2026 published)."""
from datetime import date

import pytest

from booking.regulator.workdays import add_working_days, deadline, is_workday


def test_a_make_up_saturday_counts_as_a_working_day():
    # 2026: Saturday 14 February and Saturday 28 February are 调休 workdays.
    assert date(2026, 2, 14).weekday() == 5 and is_workday(date(2026, 2, 14)) == (True, True)
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 27), 1) == date(2026, 2, 28)
    # an ordinary Saturday is not
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_the_spring_festival_week_is_not_counted():
    # 15–23 February 2026 are the Spring Festival holidays, weekdays included.
    assert is_workday(date(2026, 2, 16)) == (False, True)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert deadline(date(2026, 2, 12), 5) == (date(2026, 2, 26), False)


def test_fifteen_working_days_from_the_tests_monday():
    assert deadline(date(2026, 11, 23), 15) == (date(2026, 12, 14), False)
    assert deadline(date(2026, 11, 23), 5) == (date(2026, 11, 30), False)
    assert add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)


def test_an_unpublished_year_falls_back_to_weekdays_and_is_provisional():
    assert is_workday(date(2027, 1, 1)) == (True, False)  # a Friday: unknown, so counted
    assert is_workday(date(2027, 1, 2)) == (False, False)
    # 29, 30, 31 December 2026 (known), then Friday 1 and Monday 4 January 2027 (weekdays)
    assert deadline(date(2026, 12, 28), 5) == (date(2027, 1, 4), True)
    # a deadline that stays within 2026 is final
    assert deadline(date(2026, 12, 28), 3) == (date(2026, 12, 31), False)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 23), -1)
