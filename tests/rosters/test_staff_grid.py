"""The staff × Monday–Sunday grid (docs/guide-centres.md, 排班): a tap adds the template
shift or removes one, 重复周一至周五 adds a week's weekdays skipping (and naming) the days a
person may not work, closed days are shown with their reason, Sunday included."""
import re
from datetime import time, timedelta

import pytest

from booking.errors import ValidationFailed
from booking.rosters import services
from booking.rosters.models import Shift
from tests import factories as f

from .conftest import MONDAY, at, staff


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def shifts_of(db, person):
    return db.session.scalars(db.select(Shift).where(Shift.staff_member_id == person.id)
                              .order_by(Shift.starts_at)).all()


def test_add_weekday_shifts_skips_and_names_the_days(db, world):
    c = world["centre"]
    # certificate lapses on Wednesday: Thursday and Friday are closed to her
    s = staff(c, name="李娜", health=MONDAY + timedelta(days=2))
    services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                       starts_at=at(MONDAY + timedelta(days=1), 9),
                       ends_at=at(MONDAY + timedelta(days=1), 12))
    added, skipped = services.add_weekday_shifts(
        c.id, staff_member_id=s.id, group_id=world["group"].id, monday=MONDAY + timedelta(3),
        starts=time(8), ends=time(17))
    assert added == [MONDAY, MONDAY + timedelta(days=2)]
    assert len(skipped) == 3
    assert skipped[0].startswith("周二 11-24：") and "同一时间不能在两处" in skipped[0]
    assert skipped[1].startswith("周四 11-26：") and "健康合格证" in skipped[1]
    assert skipped[2].startswith("周五 11-27：")
    got = shifts_of(db, s)
    assert len(got) == 3  # the Tuesday shift by hand and two new ones
    assert all(x.group_id == world["group"].id for x in got if x.starts_at.hour != 1)


def test_add_weekday_shifts_refuses_another_centres_staff(db, world):
    stranger = staff(f.centre())
    with pytest.raises(ValidationFailed):
        services.add_weekday_shifts(world["centre"].id, staff_member_id=stranger.id,
                                    group_id=None, monday=MONDAY, starts=time(8), ends=time(17))
    assert shifts_of(db, stranger) == []


def test_ineligible_reason(world):
    c = world["centre"]
    assert services.ineligible_reason(staff(c), MONDAY) is None
    assert services.ineligible_reason(staff(c, health=None), MONDAY) == "未登记健康合格证"
    lapsed = staff(c, health=MONDAY - timedelta(days=1))
    assert "已过期" in services.ineligible_reason(lapsed, MONDAY)


def test_copy_last_week_names_the_skipped_day(db, world):
    c = world["centre"]
    s = staff(c, name="乙", health=MONDAY + timedelta(days=1))
    last = MONDAY - timedelta(days=7)
    services.add_shift(c.id, staff_member_id=s.id, group_id=None,
                       starts_at=at(last + timedelta(days=3), 8), ends_at=at(last + timedelta(days=3), 12))
    copied, skipped = services.copy_last_week(c.id, MONDAY)
    assert copied == 0 and skipped[0].startswith("周四 11-26：") and "乙" in skipped[0]


def test_grid_page_shows_sunday_and_disabled_days(client, world):
    c = world["centre"]
    ok = staff(c, name="王芳")
    lapsing = staff(c, name="赵敏", health=MONDAY + timedelta(days=3))
    login(client, world["user"])
    page = client.get(f"/staff/roster?week={MONDAY.isoformat()}").get_data(as_text=True)
    grid = page[page.index('id="staff-grid"'):]
    assert "周日 11-29" in grid and "重复周一至周五" in grid
    # Friday onwards closed to 赵敏, with the reason, and no add button there
    row = grid[grid.index(f'id="sm{lapsing.id}"'):]
    row = row[:row.index("</tr>")]
    assert row.count("健康合格证 2026-11-26 已过期") == 3
    assert row.count('class="cell-button add"') == 4
    ok_row = grid[grid.index(f'id="sm{ok.id}"'):]
    assert ok_row[:ok_row.index("</tr>")].count('class="cell-button add"') == 7


def test_tap_a_cell_adds_then_removes(client, db, world):
    c = world["centre"]
    s = staff(c, name="王芳")
    login(client, world["user"])
    sunday = MONDAY + timedelta(days=6)
    resp = client.post("/staff/roster/shifts", data={
        "staff_member_id": s.id, "group_id": "", "day": sunday.isoformat(),
        "starts": "09:00", "ends": "12:00", "tpl_starts": "09:00", "tpl_ends": "12:00",
        "tpl_group": ""})
    assert resp.status_code == 302 and "tpl_starts=09:00" in resp.headers["Location"]
    [shift] = shifts_of(db, s)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "09:00–12:00" in page and f"/staff/roster/shifts/{shift.id}/delete" in page
    # the template survives the page: the next tap adds the same times
    assert re.search(r'name="starts" value="09:00"', page)
    resp = client.post(f"/staff/roster/shifts/{shift.id}/delete", data={})
    assert resp.status_code == 302
    assert shifts_of(db, s) == []


def test_weekday_button_on_the_page(client, db, world):
    c = world["centre"]
    s = staff(c, name="周洁", health=MONDAY + timedelta(days=3))
    login(client, world["user"])
    resp = client.post(f"/staff/roster/weekdays?week={MONDAY.isoformat()}", data={
        "staff_member_id": s.id, "tpl_starts": "08:00", "tpl_ends": "16:00", "tpl_group": ""})
    assert resp.status_code == 302
    assert len(shifts_of(db, s)) == 4
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已排 4 天" in page and "未排：周五 11-27" in page
    stranger = staff(f.centre())
    assert client.post(f"/staff/roster/weekdays?week={MONDAY.isoformat()}", data={
        "staff_member_id": stranger.id}).status_code == 404


def test_carers_see_the_grid_without_buttons(client, world):
    staff(world["centre"], name="王芳")
    carer = f.user("staff", centre_id=world["centre"].id, staff_role="carer")
    login(client, carer)
    page = client.get(f"/staff/roster?week={MONDAY.isoformat()}").get_data(as_text=True)
    assert "王芳" in page and "cell-button" not in page and "重复周一至周五" not in page
    assert client.post(f"/staff/roster/weekdays?week={MONDAY.isoformat()}",
                       data={"staff_member_id": 1}).status_code == 403
