"""The demo institution (seeds/exams.yaml): its accounts sign in, its sessions are in the
coming weeks, and seeding twice adds nothing."""
from sqlalchemy import func, select

from booking import clock
from booking.exams.models import ExamSession, HealthInstitution
from booking.exams.seeding import load_exams
from booking.extensions import db
from tests import factories as f


def test_the_demo_institution_seeds_once(app, client):
    f.district(code="610113", city="西安")
    made = load_exams(echo=lambda *_: None)
    assert made > 0
    assert load_exams(echo=lambda *_: None) == 0
    assert db.session.scalar(select(func.count(HealthInstitution.id))) == 1
    first = db.session.scalar(select(func.min(ExamSession.starts_at)))
    assert first > clock.now()
    for login in ("doctor.yanta@tuowei.example", "clerk.yanta@tuowei.example"):
        resp = client.post("/login", data={"login": login, "password": "Clinic-demo-2026"})
        assert resp.status_code == 302
        assert client.get("/institution").status_code == 200
        client.post("/logout")
