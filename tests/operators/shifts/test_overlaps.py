"""A shift of one person at two centres of one operator at overlapping hours is refused,
naming the other centre and its hours (docs/workforce.md)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.errors import ShiftOverlap
from booking.extensions import db
from booking.rosters import services as rosters
from booking.rosters.models import Shift
from booking.workforce import identity
from tests import factories as f

from .conftest import ID, MONDAY, at, carer, login

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def shared(net):
    s1, s2 = carer(net["a"], name="王芳"), carer(net["b"], name="王芳")
    identity.set_id_number(s1.id, ID)
    identity.set_id_number(s2.id, ID)
    rosters.add_shift(net["a"].id, staff_member_id=s1.id, group_id=None,
                      starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 12))
    return s1, s2


def test_an_overlap_at_another_centre_is_refused(net, shared):
    _s1, s2 = shared
    with pytest.raises(ShiftOverlap) as err:
        rosters.add_shift(net["b"].id, staff_member_id=s2.id, group_id=None,
                          starts_at=at(TUESDAY, 11), ends_at=at(TUESDAY, 15))
    msg = err.value.message
    assert "甲园" in msg and "08:00–12:00" in msg and "王芳" in msg
    assert err.value.extra["centre"] == "甲园"
    # touching hours are not an overlap; another day neither
    rosters.add_shift(net["b"].id, staff_member_id=s2.id, group_id=None,
                      starts_at=at(TUESDAY, 12), ends_at=at(TUESDAY, 16))
    rosters.add_shift(net["b"].id, staff_member_id=s2.id, group_id=None,
                      starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 11))
    assert db.session.scalar(select(func.count(Shift.id))) == 3


def test_moving_and_weekdays_and_copying_check_too(net, shared):
    s1, s2 = shared
    later = rosters.add_shift(net["b"].id, staff_member_id=s2.id, group_id=None,
                              starts_at=at(TUESDAY, 13), ends_at=at(TUESDAY, 17))
    with pytest.raises(ShiftOverlap):
        rosters.move_shift(net["b"].id, later.id, staff_member_id=s2.id, group_id=None,
                           starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 14))
    from datetime import time
    added, skipped = rosters.add_weekday_shifts(
        net["b"].id, staff_member_id=s2.id, group_id=None, monday=MONDAY,
        starts=time(7, 30), ends=time(9, 0))
    assert TUESDAY not in added and len(added) == 4
    assert len(skipped) == 1 and "甲园" in skipped[0]
    # last week's shift at 甲园 copied onto this week's clash at 乙园 is skipped
    rosters.add_shift(net["a"].id, staff_member_id=s1.id, group_id=None,
                      starts_at=at(MONDAY - timedelta(days=7), 7, 0),
                      ends_at=at(MONDAY - timedelta(days=7), 8, 0))
    copied, skipped = rosters.copy_last_week(net["a"].id, MONDAY)
    assert copied == 0 and "乙园" in skipped[0]


def test_a_person_without_an_id_number_is_not_matched(net):
    s1, s2 = carer(net["a"], name="甲"), carer(net["b"], name="甲")
    for c, s in ((net["a"], s1), (net["b"], s2)):
        rosters.add_shift(c.id, staff_member_id=s.id, group_id=None,
                          starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 12))


def test_api_answers_409_problem(net, shared, client):
    _s1, s2 = shared
    r = client.post(f"/api/v1/centres/{net['b'].id}/shifts", headers=f.bearer(client, net["dir_b"]),
                    json={"staff_member_id": s2.id, "starts_at": at(TUESDAY, 9).isoformat(),
                          "ends_at": at(TUESDAY, 10).isoformat()})
    assert r.status_code == 409 and r.headers["Content-Type"].startswith("application/problem+json")
    body = r.get_json()
    assert body["type"].endswith("shift-overlap") and "甲园" in body["detail"]
    assert "08:00–12:00" in body["detail"]


def test_the_roster_form_re_renders_with_the_message(net, shared, client):
    _s1, s2 = shared
    login(client, net["dir_b"])
    r = client.post("/staff/roster/shifts", data={
        "staff_member_id": s2.id, "group_id": "", "day": TUESDAY.isoformat(),
        "starts": "09:00", "ends": "10:00"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "甲园" in page and "08:00–12:00" in page
    assert db.session.scalar(select(func.count(Shift.id))) == 1
