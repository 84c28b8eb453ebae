"""The clock's Beijing-day boundaries, as UTC instants."""
from datetime import date, datetime, timezone

from booking import clock


def test_a_beijing_day_begins_and_ends_at_local_midnight():
    assert clock.start_of_day(date(2026, 12, 1)) == datetime(2026, 11, 30, 16, tzinfo=timezone.utc)
    assert clock.end_of_day(date(2026, 12, 31)) == datetime(2026, 12, 31, 16, tzinfo=timezone.utc)
    assert clock.start_of_day(date(2026, 12, 1)).tzinfo == timezone.utc
