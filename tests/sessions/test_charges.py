"""Sessions on the family's monthly statement: hours × the hourly price, at booking time."""
from datetime import date, datetime, time, timezone

from booking import clock
from booking.fees.statement import statement
from booking.sessions import services as sessions
from tests import factories as f

from .conftest import publish


def test_booked_sessions_are_priced_per_hour_on_the_statement(client, world):
    c, staff, parent, kid = world["centre"], world["staff"], world["parent"], world["kid"]
    paid = publish(c, staff)[0]  # 2 h at ¥30 an hour
    odd = publish(c, staff, start=time(14, 0), end=time(15, 20), price_per_hour_fen=2500)[0]
    free = publish(c, staff, start=time(16, 0), end=time(17, 0), subsidised=True)[0]
    later = publish(c, staff, on_date=date(2026, 12, 2))[0]
    dropped = publish(c, staff, start=time(18, 0), end=time(19, 0))[0]
    for s in (paid, odd, free, later, dropped):
        sessions.book(session_id=s.id, child_id=kid.id, parent=parent)
    cancelled = sessions.book(session_id=dropped.id, child_id=f.child(parent).id, parent=parent)
    sessions.cancel_booking(cancelled.id, parent)

    s = statement(parent.id, date(2026, 11, 1))
    lines = [(line["amount_fen"], line["detail"]["minutes"]) for line in s["other"]]
    # 120 min × 3000/h = 6000; 80 min × 2500/h = 3333.3 → 3333; the subsidised one is free
    assert sorted(lines) == [(3000, 60), (3333, 80), (6000, 120)]
    assert s["other_total_fen"] == sum(a for a, _m in lines)
    assert all(line["source"] == "sessions" and line["centre_id"] == c.id for line in s["other"])
    december = statement(parent.id, date(2026, 12, 1))
    assert [line["amount_fen"] for line in december["other"]] == [6000]
    assert statement(f.user().id, date(2026, 11, 1))["other"] == []


def test_a_no_show_is_charged_a_cancellation_is_not(client, world):
    c, staff, parent, kid = world["centre"], world["staff"], world["parent"], world["kid"]
    s1 = publish(c, staff)[0]
    b = sessions.book(session_id=s1.id, child_id=kid.id, parent=parent)
    clock.set(datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc))  # 12:00 in Beijing, after it
    sessions.mark_attendance(b.id, staff, "no_show")
    assert [line["detail"]["status"] for line in statement(parent.id, date(2026, 11, 1))["other"]] \
        == ["no_show"]
