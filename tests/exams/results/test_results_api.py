"""The examination's API (docs/api.md): read and enter the draft, sign, the family's list;
problem+json refusals; and two doctors signing at once (PostgreSQL)."""
from collections import Counter

from sqlalchemy import func, select

from booking.exams.models import ExamAppointment
from booking.health.models import HealthCheck
from booking.growth.models import GrowthMeasurement
from tests import factories as f
from tests.concurrency.helpers import race, token_for
from tests.exams.results.conftest import TODAY

BODY = {"examined_on": TODAY.isoformat(), "height_cm": 80.5, "weight_kg": 10.8,
        "findings": {"skin": {"normal": True}, "heart_lungs": {"normal": False,
                                                               "note": "杂音"}},
        "haemoglobin_g_l": 118, "vision": "pass", "hearing": "refer",
        "vaccination_checked": True, "conclusion": "pass"}


def path(w, tail=""):
    return f"/api/v1/exam-appointments/{w.appointment.id}/result{tail}"


def test_enter_read_and_sign_over_the_api(client, db, world):
    w = world
    nurse, doctor = f.bearer(client, w.nurse), f.bearer(client, w.doctor)
    got = client.get(path(w), headers=nurse)
    assert got.status_code == 200
    assert got.json["result"] is None and got.json["child_name"] == "小花"
    assert "vaccination" in got.json["session_items"]
    put = client.put(path(w), json=BODY, headers=nurse)
    assert put.status_code == 200, put.json
    assert put.json["result"]["status"] == "draft"
    assert put.json["result"]["findings"]["heart_lungs"] == {"normal": False, "note": "杂音"}
    assert client.post(path(w, "/sign"), headers=nurse).status_code == 403
    signed = client.post(path(w, "/sign"), headers=doctor)
    assert signed.status_code == 200, signed.json
    assert signed.json["status"] == "signed" and signed.json["health_check_id"]
    again = client.post(path(w, "/sign"), headers=doctor)
    assert again.status_code == 409
    assert again.headers["Content-Type"].startswith("application/problem+json")
    assert client.put(path(w), json=BODY, headers=nurse).status_code == 409
    assert client.get(path(w), headers=doctor).status_code == 404
    family = client.get(f"/api/v1/children/{w.kid.id}/exam-results",
                        headers=f.bearer(client, w.parent))
    assert family.status_code == 200
    [r] = family.json
    assert (r["conclusion"], r["institution"], r["signed_by_name"], r["hearing"]) == (
        "pass", "雁塔区妇幼保健院", "王医生", "refer")


def test_refusals(client, db, world):
    w = world
    nurse = f.bearer(client, w.nurse)
    bad = client.put(path(w), json={**BODY, "height_cm": 200, "conclusion": "follow_up"},
                     headers=nurse)
    assert bad.status_code == 422
    assert {"height_cm", "follow_up_actions", "follow_up_by"} <= set(bad.json["errors"])
    assert client.put(path(w), json={**BODY, "vision": "blurry"},
                      headers=nurse).status_code == 422
    assert client.post(path(w, "/sign"), headers=f.bearer(client, w.doctor)).status_code == 409
    assert client.get(path(w), headers=f.bearer(client, w.clerk)).status_code == 403
    assert client.get(path(w), headers=f.bearer(client, w.doctor_b)).status_code == 404
    assert client.put(path(w), json=BODY,
                      headers=f.bearer(client, w.doctor_b)).status_code == 404
    assert client.get(path(w), headers=f.bearer(client, w.parent)).status_code == 403
    assert client.get(path(w), headers=f.bearer(client, w.regulator)).status_code == 403
    assert client.get(f"/api/v1/children/{w.kid.id}/exam-results",
                      headers=f.bearer(client, w.other_parent)).status_code == 404
    assert client.get(f"/api/v1/children/{w.kid.id}/exam-results",
                      headers=f.bearer(client, w.director)).status_code == 403


def test_two_doctors_sign_at_once_one_check(app, client, db, world, pg_only):
    w = world
    client.put(path(w), json=BODY, headers=f.bearer(client, w.nurse))
    second = f.institution_account(w.inst, "doctor")
    tokens = [token_for(w.doctor), token_for(second)] * 4
    url = path(w, "/sign")
    db.session.remove()

    def sign(i):
        resp = app.test_client().post(url, headers={"Authorization": f"Bearer {tokens[i]}"})
        return resp.status_code

    outcome = Counter(race(8, sign))
    assert outcome == {200: 1, 409: 7}, outcome
    db.session.expire_all()
    assert db.session.scalar(select(func.count(HealthCheck.id))) == 1
    assert db.session.scalar(select(func.count(GrowthMeasurement.id))) == 1
    assert db.session.get(ExamAppointment, w.appointment.id).status == "examined"
