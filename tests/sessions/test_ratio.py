"""Session children count in the class's hourly ratio check for the hours they are booked
(docs/domain.md, Hourly and occasional care; 设置标准 art. 20)."""
from datetime import time, timedelta

from booking import clock
from booking.rosters.checks import check_day
from booking.sessions import services as sessions
from tests import factories as f
from tests.rosters.conftest import MONDAY, at, enrol, staff
from tests.sessions.conftest import spec

TUESDAY = MONDAY + timedelta(days=1)


def test_fifteen_toddlers_and_one_session_child_at_ten_need_four_carers(app):
    c = f.centre(opening_hours="08:00-18:00", open_days="Mon-Fri")
    g = f.group(c, "toddler", name="托小一班")
    user = f.user("staff", centre_id=c.id)
    enrol(g, 15)
    from booking.rosters import services as rosters
    for _ in range(3):
        rosters.add_shift(c.id, staff_member_id=staff(c).id, group_id=g.id,
                          starts_at=at(TUESDAY, 8, 0), ends_at=at(TUESDAY, 18, 0))
    [s] = sessions.publish(c, spec(on_date=TUESDAY, start=time(10), end=time(11), group_id=g.id),
                           actor=user)
    parent = f.user()
    b = sessions.book(session_id=s.id, child_id=f.child(parent).id, parent=parent)

    hours = {h.start.hour: h for h in check_day(c, TUESDAY).classes[0].hours}
    assert (hours[10].children, hours[10].needed, hours[10].missing) == (16, 4, 1)
    assert (hours[9].children, hours[9].needed, hours[9].missing) == (15, 3, 0)
    assert (hours[11].children, hours[11].needed) == (15, 3)

    # A cancelled booking, a session without a class, and a no-show do not count.
    sessions.cancel_booking(b.id, parent)
    assert {h.start.hour: h for h in check_day(c, TUESDAY).classes[0].hours}[10].children == 15
    [loose] = sessions.publish(c, spec(on_date=TUESDAY, start=time(10), end=time(11)), actor=user)
    sessions.book(session_id=loose.id, child_id=f.child(parent).id, parent=parent)
    b2 = sessions.book(session_id=s.id, child_id=f.child(parent).id, parent=parent)
    assert {h.start.hour: h for h in check_day(c, TUESDAY).classes[0].hours}[10].children == 16
    clock.set(at(TUESDAY, 10, 5))
    sessions.mark_attendance(b2.id, user, "no_show")
    assert {h.start.hour: h for h in check_day(c, TUESDAY).classes[0].hours}[10].children == 15
