"""Training hours per year and the regulator's coverage, against hand-computed numbers."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from booking.errors import ValidationFailed
from booking.extensions import db
from booking.workforce import queries, services
from booking.workforce.models import TrainingRecord
from tests import factories as f

from .conftest import carer

BG = date(2027, 3, 1)


@pytest.fixture
def staffed(wf):
    a = carer(wf["c1"], name="甲", background_check_expires_on=BG)
    b = carer(wf["c1"], name="乙", certificate_no=None)
    c = carer(wf["c2"], name="丙", certificate_expires_on=date(2026, 1, 1),
              background_check_expires_on=BG)
    carer(wf["c2"], name="丁", role="cook", certificate_no=None)  # not a carer
    gone = carer(wf["c2"], name="戊")
    from booking.rosters import services as rosters
    rosters.update_staff(gone.id, active=False)
    for sid, day, hours in ((a.id, date(2026, 3, 1), 12), (a.id, date(2026, 9, 1), "8"),
                            (b.id, date(2026, 5, 5), "5.5"), (b.id, date(2025, 12, 1), 20)):
        services.record_training(sid, on_date=day, hours=hours, topic="婴幼儿急救",
                                 actor=wf["dir1"])
    return {"a": a, "b": b, "c": c, **wf}


def test_hours_sum_by_calendar_year(staffed):
    a, b = staffed["a"], staffed["b"]
    assert queries.hours_by_staff([a.id, b.id], 2026) == {a.id: Decimal("20.0"),
                                                          b.id: Decimal("5.5")}
    assert queries.hours_by_staff([b.id], 2025) == {b.id: Decimal("20.0")}


def test_training_refusals_change_nothing(staffed):
    a = staffed["a"]
    before = db.session.scalar(select(func.count(TrainingRecord.id)))
    for kw in (dict(hours=0), dict(hours=-1), dict(hours=25), dict(topic=" "),
               dict(on_date=date(2026, 11, 24))):
        args = dict(on_date=date(2026, 11, 20), hours=2, topic="消防演练") | kw
        with pytest.raises(ValidationFailed):
            services.record_training(a.id, **args)
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == before


def test_training_api_and_scope(client, staffed):
    a = staffed["a"]
    h1 = f.bearer(client, staffed["dir1"])
    resp = client.post(f"/api/v1/staff/{a.id}/training", headers=h1,
                       json={"on_date": "2026-11-20", "hours": "1.5", "topic": "消防演练"})
    assert resp.status_code == 201, resp.get_json()
    got = client.get(f"/api/v1/staff/{a.id}/training", headers=h1).get_json()
    assert Decimal(str(got["hours_this_year"])) == Decimal("21.5") and got["target_hours"] == 20
    assert len(got["records"]) == 3
    bad = client.post(f"/api/v1/staff/{a.id}/training", headers=h1,
                      json={"on_date": "2026-11-20", "hours": 0, "topic": "x"})
    assert bad.status_code == 422
    h2 = f.bearer(client, staffed["dir2"])
    assert client.get(f"/api/v1/staff/{a.id}/training", headers=h2).status_code == 404
    assert client.post(f"/api/v1/staff/{a.id}/training", headers=h2, json={
        "on_date": "2026-11-20", "hours": 1, "topic": "x"}).status_code == 404
    parent = f.bearer(client, f.user("parent"))
    assert client.get(f"/api/v1/staff/{a.id}/training", headers=parent).status_code == 403
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 5


def _rows(client, user, group):
    resp = client.get(f"/api/v1/workforce/coverage?group={group}",
                      headers=f.bearer(client, user))
    assert resp.status_code == 200, resp.get_json()
    return {r["name"]: r for r in resp.get_json()}


def test_coverage_per_centre_and_district(client, staffed):
    rows = _rows(client, staffed["city"], "centre")
    c1, c2 = rows["小树苗托育"], rows["彩虹托育"]
    # 甲: qualified, check valid, 20 h (at target); 乙: no certificate, no check, 5.5 h.
    assert (c1["carers"], c1["qualified"], c1["background_valid"], c1["trained"]) == (2, 1, 1, 1)
    assert (c1["qualified_share"], c1["background_valid_share"], c1["trained_share"]) == \
        (0.5, 0.5, 0.5)
    assert Decimal(str(c1["hours_this_year"])) == Decimal("25.5")
    # 丙: certificate lapsed 2026-01-01, check valid, no hours; the cook and 戊 (left) not counted.
    assert (c2["carers"], c2["qualified"], c2["background_valid"], c2["trained"]) == (1, 0, 1, 0)
    assert c2["qualified_share"] == 0.0 and c2["background_valid_share"] == 1.0
    districts = _rows(client, staffed["city"], "district")
    assert set(districts) == {"雁塔区", "碑林区"} and districts["雁塔区"]["carers"] == 2
    assert set(_rows(client, staffed["reg1"], "centre")) == {"小树苗托育"}


def test_coverage_refused_to_centres_and_bad_group(client, staffed):
    h = f.bearer(client, staffed["dir1"])
    assert client.get("/api/v1/workforce/coverage", headers=h).status_code == 403
    reg = f.bearer(client, staffed["reg1"])
    assert client.get("/api/v1/workforce/coverage?group=city", headers=reg).status_code == 422
