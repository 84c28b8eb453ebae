"""The exam pages render for each role (200), refuse others (403/404), and a bad form
re-renders with its messages (422)."""
from datetime import date

from sqlalchemy import select

from booking import clock
from booking.exams import appointments
from booking.exams.models import ExamAppointment, ExamSession, HealthInstitution
from booking.extensions import db
from tests import factories as f
from tests.exams.conftest import at, login


def html(resp):
    return resp.get_data(as_text=True)


def test_regulator_pages(client, world):
    login(client, world["regulator"])
    assert client.get("/regulator/institutions").status_code == 200
    page = client.get(f"/regulator/institutions/{world['inst'].id}")
    assert page.status_code == 200 and world["doctor"].name in html(page)
    assert client.get(f"/regulator/institutions/{world['inst_b'].id}").status_code == 404
    assert client.get("/regulator/exams").status_code == 200
    resp = client.post("/regulator/institutions", data={
        "name": "新城妇幼", "kind": "maternal_child", "district_id": world["district"].id,
        "cancel_cutoff_hours": "24"})
    assert resp.status_code == 303
    inst = db.session.scalar(select(HealthInstitution).where(HealthInstitution.name == "新城妇幼"))
    bad = client.post("/regulator/institutions", data={
        "name": "", "kind": "maternal_child", "district_id": world["district"].id,
        "cancel_cutoff_hours": "abc"})
    assert bad.status_code == 422 and "请填写机构名称" in html(bad)
    resp = client.post(f"/regulator/institutions/{inst.id}/accounts", data={
        "name": "赵登记", "role": "clerk", "email": "zhao@example.com",
        "password": f.PASSWORD})
    assert resp.status_code == 303
    weak = client.post(f"/regulator/institutions/{inst.id}/accounts", data={
        "name": "钱登记", "role": "clerk", "email": "qian@example.com", "password": "1"})
    assert weak.status_code == 422
    clerk = db.session.scalar(select(HealthInstitution).where(HealthInstitution.id == inst.id))
    assert clerk is not None
    resp = client.post(f"/regulator/institutions/{world['inst'].id}/accounts/"
                       f"{world['clerk'].id}/deactivate")
    assert resp.status_code == 303
    db.session.refresh(world["clerk"])
    assert not world["clerk"].active


def test_institution_pages_and_home(client, world):
    login(client, world["nurse"])
    home = client.get("/home")
    assert home.status_code == 302 and home.headers["Location"].endswith("/institution")
    page = client.get("/institution")
    assert page.status_code == 200
    assert "我的孩子" not in html(page) and "托位管理" not in html(page)
    resp = client.post("/institution", data={
        "on_date": "2026-12-02", "start": "08:30", "end": "11:00", "capacity": "5",
        "items": ["physical", "vision"], "bring": "疫苗接种证", "days": "1"})
    assert resp.status_code == 303
    bad = client.post("/institution", data={
        "on_date": "2026-12-02", "start": "08:30", "end": "08:00", "capacity": "0",
        "items": ["physical"], "days": "1"})
    assert bad.status_code == 422
    s = world["session"]
    appointments.book(child_id=world["kid"].id, session_id=s.id, parent=world["parent"])
    page = client.get(f"/institution/sessions/{s.id}")
    assert page.status_code == 200 and world["kid"].name in html(page)
    assert client.get(f"/institution/sessions/{world['later'].id}").status_code == 200
    foreign = f.exam_session(world["inst_b"])
    assert client.get(f"/institution/sessions/{foreign.id}").status_code == 404
    assert client.get("/regulator/exams").status_code == 403
    assert client.get(f"/children/{world['kid'].id}/exams").status_code == 403
    clock.set(at(2026, 12, 10, 9))
    a = db.session.scalar(select(ExamAppointment))
    resp = client.post(f"/institution/appointments/{a.id}/mark", data={"status": "arrived"})
    assert resp.status_code == 303
    db.session.refresh(a)
    assert a.marked_at is not None
    resp = client.post(f"/institution/sessions/{world['later'].id}/cancel",
                       data={"reason": "医生外出"})
    assert resp.status_code == 303
    db.session.refresh(world["later"])
    assert world["later"].cancelled_at is not None


def test_the_family_books_from_the_childs_page_and_moves_and_cancels(client, world):
    login(client, world["parent"])
    kid = world["kid"]
    page = client.get(f"/children/{kid.id}/exams")
    assert page.status_code == 200 and "推荐场次" in html(page)
    assert client.get("/exams").status_code == 200
    assert "预约体检" in html(client.get("/family"))
    resp = client.post(f"/children/{kid.id}/exams", data={"session_id": world["session"].id})
    assert resp.status_code == 303
    again = client.post(f"/children/{kid.id}/exams", data={"session_id": world["later"].id})
    assert again.status_code == 409 and world["inst"].name in html(again)
    bad = client.post(f"/children/{kid.id}/exams", data={"session_id": "x"})
    assert bad.status_code == 422
    a = appointments.live_of(kid.id)
    assert client.get(f"/exams/appointments/{a.id}/move").status_code == 200
    resp = client.post(f"/exams/appointments/{a.id}/move",
                       data={"session_id": world["later"].id})
    assert resp.status_code == 303
    new = appointments.live_of(kid.id)
    assert new.session_id == world["later"].id
    resp = client.post(f"/exams/appointments/{new.id}/cancel")
    assert resp.status_code == 303
    assert appointments.live_of(kid.id) is None
    other = f.user()
    assert client.get(f"/children/{f.child(other).id}/exams").status_code == 404


def test_the_hold_page_links_to_booking_for_that_hold(client, world):
    from booking.reservations import services as reservations
    c = f.centre(world["district"])
    slot = f.slot(c, starts_on=date(2027, 3, 1))
    hold = reservations.place_hold(slot_id=slot.id, child_id=world["kid"].id,
                                   parent=world["parent"])
    login(client, world["parent"])
    page = html(client.get("/reservations"))
    assert f"reservation_id={hold.id}" in page
    page = client.get(f"/children/{world['kid'].id}/exams?reservation_id={hold.id}")
    assert page.status_code == 200 and "2027-03-01" in html(page)


def test_the_doctor_and_clerk_land_on_the_institution_and_the_stranger_is_kept_out(client, world):
    for role in ("doctor", "clerk"):
        c = client.application.test_client()
        login(c, world[role])
        assert c.get("/institution").status_code == 200
    login(client, world["stranger"])
    s = db.session.scalar(select(ExamSession).where(ExamSession.id == world["session"].id))
    assert client.get(f"/institution/sessions/{s.id}").status_code == 403
