from datetime import date, timedelta

import pytest

from booking import clock
from booking.errors import NotFound, ValidationFailed
from booking.regulator import inspections, snapshots
from booking.regulator.models import CoverageSnapshot
from tests import factories as f

FULL = {"conditions": 90, "staff": 120, "care": 180, "health": 200, "parenting": 70,
        "safety": 180, "management": 60}


def test_score_grade_and_disclosure(client):
    c = f.centre()
    reg = f.user("regulator")
    i = inspections.record_inspection(c.id, reg, inspected_on=date(2026, 11, 20), scores=FULL)
    assert i.score == 900 and i.grade == "A"
    assert inspections.grade_for(900, basic_failed=True) == "D"
    assert inspections.grade_for(699, False) == "C" and inspections.grade_for(599, False) == "D"
    d = client.get(f"/api/v1/centres/{c.id}").get_json()["disclosure"]
    assert d["latest_inspection"] == {"inspected_on": "2026-11-20", "grade": "A", "score": 900}


def test_bad_scores_and_jurisdiction(db):
    c = f.centre()
    with pytest.raises(ValidationFailed) as err:
        inspections.record_inspection(c.id, f.user("regulator"), inspected_on=date(2026, 11, 20),
                                      scores=dict(FULL, health=211))
    assert "health" in err.value.errors
    outsider = f.user("regulator", district_id=f.district().id)
    with pytest.raises(NotFound):
        inspections.record_inspection(c.id, outsider, inspected_on=date(2026, 11, 20), scores=FULL)


def test_overdue_fixes_listed_until_followed_up(db):
    c = f.centre()
    reg = f.user("regulator")
    i = inspections.record_inspection(c.id, reg, inspected_on=date(2026, 11, 1), scores=FULL,
                                      fix_deadline=date(2026, 11, 30))
    assert inspections.overdue(reg) == []
    clock.advance(timedelta(days=10))
    assert [x.id for x in inspections.overdue(reg)] == [i.id]
    inspections.follow_up(i.id, reg, date(2026, 12, 2))
    assert inspections.overdue(reg) == []


def test_inspection_page_rerenders_bad_input(client):
    c = f.centre()
    client.post("/login", data={"login": f.user("regulator").email, "password": f.PASSWORD})
    resp = client.post(f"/regulator/centres/{c.id}/inspections",
                       data=dict({k: str(v) for k, v in FULL.items()}, inspected_on="2026-11-31"))
    assert resp.status_code == 422
    resp = client.post(f"/regulator/centres/{c.id}/inspections",
                       data=dict({k: str(v) for k, v in FULL.items()}, inspected_on="2026-11-20"))
    assert resp.status_code == 302


def test_snapshot_is_once_a_day(db):
    f.slot(f.centre(), capacity=7)
    assert snapshots.take_snapshot() == 1
    assert snapshots.take_snapshot() == 0
    assert db.session.scalar(db.select(db.func.count(CoverageSnapshot.id))) == 1
    trend = snapshots.trend(f.user("admin"))
    assert trend[0][2] == 7


def test_xlsx_export(client):
    from io import BytesIO
    from openpyxl import load_workbook
    d = f.district()
    f.slot(f.centre(d), capacity=3)
    client.post("/login", data={"login": f.user("admin").email, "password": f.PASSWORD})
    resp = client.get("/regulator/coverage.xlsx")
    sheet = load_workbook(BytesIO(resp.data)).active
    rows = list(sheet.values)
    assert rows[0][0] == "区县代码" and any(r[0] == d.code and r[4] == 3 for r in rows[1:])
