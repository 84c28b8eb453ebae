"""The clock's Beijing-day boundaries, as UTC instants."""
from datetime import date, datetime, timezone

from booking import clock


def test_a_beijing_day_begins_and_ends_at_local_midnight():
    assert clock.start_of_day(date(2026, 12, 1)) == datetime(2026, 11, 30, 16, tzinfo=timezone.utc)
    assert clock.end_of_day(date(2026, 12, 31)) == datetime(2026, 12, 31, 16, tzinfo=timezone.utc)
    assert clock.start_of_day(date(2026, 12, 1)).tzinfo == timezone.utc


def test_an_instant_falls_on_its_beijing_day():
    # 16:00 UTC is midnight in Beijing: the next calendar day there.
    assert clock.local_date(datetime(2026, 11, 30, 15, 59, tzinfo=timezone.utc)) == date(2026, 11, 30)
    assert clock.local_date(datetime(2026, 11, 30, 16, tzinfo=timezone.utc)) == date(2026, 12, 1)
    assert clock.local_date(None) is None
    clock.set(datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc))
    try:
        assert clock.today() == date(2027, 1, 1)
    finally:
        clock.reset()


def test_pages_show_times_in_beijing(app):
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Shanghai"
    assert "TUOWEI_TIMEZONE" not in app.config
