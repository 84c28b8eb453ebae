"""The examination's pages: the institution's entry page (draft, sign, 待医生签名), the
doctor's pending list, the family's result pages, and the source shown on the health pages
(体检机构出具（已核验） vs 家长录入，待托育机构核验) with 确认入托 instead of 核验."""
from datetime import date

from sqlalchemy import select

from booking.exams import results
from booking.exams.models import ExamResult
from booking.health import services as health
from booking.reservations.models import Reservation
from tests.exams.results.conftest import TODAY, draft, login

FORM = {"examined_on": TODAY.isoformat(), "height_cm": "80.5", "weight_kg": "10.8",
        "sys_skin": "normal", "sys_heart_lungs": "abnormal", "note_heart_lungs": "杂音",
        "vaccination_checked": "y", "conclusion": "pass", "vision": "", "hearing": "pass"}


def url(w):
    return f"/institution/appointments/{w.appointment.id}/exam"


def test_the_nurse_enters_a_draft_and_sees_it_awaits_the_doctor(client, db, world):
    w = world
    login(client, w.nurse)
    page = client.get(url(w))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "小花" in text and "儿童入园（所）健康检查表" in text and "视力筛查" in text
    resp = client.post(url(w), data=FORM)
    assert resp.status_code == 302
    r = db.session.scalars(select(ExamResult)).one()
    assert r.findings == {"skin": {"normal": True, "note": ""},
                          "heart_lungs": {"normal": False, "note": "杂音"}}
    text = client.get(url(w)).get_data(as_text=True)
    assert "待医生签名" in text and "确认无误，签名" not in text
    assert client.post(url(w) + "/sign").status_code == 403


def test_bad_input_re_renders_with_messages(client, db, world):
    w = world
    login(client, w.nurse)
    resp = client.post(url(w), data={**FORM, "height_cm": "200", "conclusion": "follow_up"})
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "40–130" in text and "需复查时请写明复查或处理的项目" in text
    resp = client.post(url(w), data={**FORM, "sys_skin": "abnormal"})
    assert resp.status_code == 422 and "异常请写明所见" in resp.get_data(as_text=True)
    assert db.session.scalars(select(ExamResult)).all() == []


def test_the_doctor_signs_from_the_page_and_the_pending_list(client, db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft(height_cm=None))
    login(client, w.doctor)
    pending = client.get("/institution/exams/pending").get_data(as_text=True)
    assert "小花" in pending and url(w) in pending
    resp = client.post(url(w) + "/sign")
    assert resp.status_code == 422 and "签名前请填写身长/身高" in resp.get_data(as_text=True)
    results.save_draft(w.appointment.id, w.nurse, **draft())
    resp = client.post(url(w) + "/sign")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/institution/exams/pending")
    assert db.session.scalars(select(ExamResult)).one().status == "signed"
    assert client.get(url(w)).status_code == 404
    again = client.post(url(w) + "/sign", follow_redirects=True)
    assert "不能再修改" in again.get_data(as_text=True)


def test_a_clerk_and_another_institution_are_kept_out(client, db, world):
    w = world
    login(client, w.clerk)
    assert client.get(url(w)).status_code == 403
    assert client.get("/institution/exams/pending").status_code == 403
    client.post("/logout")
    login(client, w.doctor_b)
    assert client.get(url(w)).status_code == 404
    assert client.post(url(w), data=FORM).status_code == 404
    assert client.post(url(w) + "/sign").status_code == 404


def test_the_family_sees_the_result_follow_up_signer_and_institution(client, db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft(
        conclusion="follow_up", follow_up_actions="复查心脏彩超", follow_up_by=date(2026, 12, 20)))
    r = results.sign(w.appointment.id, w.doctor)
    login(client, w.parent)
    text = client.get(f"/children/{w.kid.id}/exam-results").get_data(as_text=True)
    assert "复查心脏彩超" in text and "2026-12-20" in text
    page = client.get(f"/children/{w.kid.id}/exam-results/{r.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for part in ("需复查", "复查心脏彩超", "2026-12-20", "王医生", "雁塔区妇幼保健院", "80.5",
                 "心脏杂音"):
        assert part in text, part
    check = client.get(f"/health-checks/{r.health_check_id}").get_data(as_text=True)
    assert "体检机构出具（已核验）" in check and "查看体检机构出具的完整结果" in check
    client.post("/logout")
    login(client, w.other_parent)
    assert client.get(f"/children/{w.kid.id}/exam-results").status_code == 404
    assert client.get(f"/children/{w.kid.id}/exam-results/{r.id}").status_code == 404


def test_the_director_confirms_on_the_institution_check_without_a_verify_button(
        client, db, world):
    w = world
    results.save_draft(w.appointment.id, w.nurse, **draft())
    r = results.sign(w.appointment.id, w.doctor)
    login(client, w.director)
    text = client.get(f"/health-checks/{r.health_check_id}").get_data(as_text=True)
    assert "体检机构出具（已核验）" in text and "确认入托" in text
    assert "核验通过" not in text and "核验并确认入托" not in text
    listing = client.get("/staff/health").get_data(as_text=True)
    assert "体检机构出具（已核验）" in listing
    resp = client.post(f"/health-checks/{r.health_check_id}/verify-and-enrol",
                       follow_redirects=True)
    assert "体检由体检机构出具，已核验" in resp.get_data(as_text=True)
    assert db.session.get(Reservation, w.hold.id).status == "enrolled"


def test_a_parent_entered_check_shows_it_awaits_the_centre(client, db, world):
    w = world
    check = health.submit(w.kid.id, w.parent, examined_on=TODAY, institution="别处医院",
                          result="pass", vaccination_verified=True)
    login(client, w.director)
    text = client.get(f"/health-checks/{check.id}").get_data(as_text=True)
    assert "家长录入，待托育机构核验" in text and "核验并确认入托" in text
    client.post("/logout")
    login(client, w.parent)
    assert "家长录入，待托育机构核验" in client.get("/health").get_data(as_text=True)
