"""The pages: filing from the centre's page, tracking, the regulator's list and case, the
director's account; the contact never reaches the centre; disclosure and dashboard counts."""
from datetime import datetime, timezone

from sqlalchemy import select

from booking import clock
from booking.complaints import services
from booking.complaints.models import Complaint
from tests.complaints.world import BODY, CONTACT, file, login, text, world  # noqa: F401


def test_the_public_files_from_the_centre_page_and_tracks_it(client, db, world):
    cid = world["centre"].id
    page = text(client.get(f"/centres/{cid}"))
    assert f"/centres/{cid}/complaints/new" in page
    assert "收到 0 件" in page
    form = client.get(f"/centres/{cid}/complaints/new")
    assert form.status_code == 200 and "提交投诉" in text(form)
    refused = client.post(f"/centres/{cid}/complaints/new",
                          data={"category": "safety", "body": BODY, "contact": ""})
    assert refused.status_code == 422 and "匿名投诉请留下手机号或邮箱" in text(refused)
    assert db.session.scalar(select(Complaint.id)) is None
    resp = client.post(f"/centres/{cid}/complaints/new",
                       data={"category": "safety", "body": BODY, "contact": CONTACT})
    assert resp.status_code == 302 and "/complaints/track/" in resp.headers["Location"]
    track = client.get(resp.headers["Location"])
    assert track.status_code == 200 and track.headers["Cache-Control"] == "no-store"
    assert "已受理" in text(track) and "2026-12-14" in text(track)
    assert CONTACT not in text(track) and BODY not in text(track)
    assert client.get("/complaints/track/not-a-code").status_code == 404
    assert client.get("/centres/99999/complaints/new").status_code == 404
    assert "收到 1 件" in text(client.get(f"/centres/{cid}"))


def test_a_signed_in_parent_sees_their_complaints(client, db, world):
    login(client, world["parent"])
    resp = client.post(f"/centres/{world['centre'].id}/complaints/new",
                       data={"category": "fees", "body": BODY})
    assert resp.status_code == 302
    c = db.session.scalar(select(Complaint))
    assert c.complainant_user_id == world["parent"].id
    assert "阳光托育" in text(client.get("/complaints/mine"))


def test_the_regulator_works_the_case_and_the_director_answers(client, db, world):
    c = file(world)
    login(client, world["regulator"])
    listing = text(client.get("/regulator/complaints"))
    assert "阳光托育" in listing and "2026-12-14" in listing
    case = client.get(f"/regulator/complaints/{c.id}")
    assert CONTACT in text(case) and BODY in text(case)
    assert client.post(f"/regulator/complaints/{c.id}/ask").status_code == 302
    db.session.expire_all()
    assert db.session.get(Complaint, c.id).status == "centre_asked"
    client.get("/logout")
    login(client, world["director"])
    staff = text(client.get("/staff/complaints"))
    assert "安全" in staff and "2026-11-30" in staff
    detail = client.get(f"/staff/complaints/{c.id}")
    assert BODY in text(detail) and CONTACT not in text(detail) and "匿名" not in text(detail)
    empty = client.post(f"/staff/complaints/{c.id}", data={"account": ""})
    assert empty.status_code == 422
    assert client.post(f"/staff/complaints/{c.id}",
                       data={"account": "已加装护栏"}).status_code == 302
    client.get("/logout")
    login(client, world["regulator"])
    bad = client.post(f"/regulator/complaints/{c.id}/close",
                      data={"outcome": "not_upheld", "text": "x", "open_inspection": "y"})
    assert bad.status_code == 422 and "投诉不成立时不启动检查" in text(bad)
    ok = client.post(f"/regulator/complaints/{c.id}/close",
                     data={"outcome": "upheld", "text": "属实，已责令整改", "open_inspection": "y"})
    assert ok.status_code == 302
    assert "已启动检查" in text(client.get(f"/regulator/complaints/{c.id}"))
    db.session.expire_all()
    track = text(client.get(f"/complaints/track/{c.tracking_code}"))
    assert "已办结" in track and "投诉成立" in track and "属实，已责令整改" in track
    assert "经核查成立（含部分成立）1 件" in text(client.get(f"/centres/{world['centre'].id}"))


def test_other_districts_and_centres_see_nothing(client, db, world):
    c = file(world)
    services.ask_centre(c.id, world["regulator"])
    login(client, world["far_regulator"])
    assert "阳光托育" not in text(client.get("/regulator/complaints"))
    assert client.get(f"/regulator/complaints/{c.id}").status_code == 404
    assert client.post(f"/regulator/complaints/{c.id}/close",
                       data={"outcome": "upheld", "text": "x"}).status_code == 404
    client.get("/logout")
    login(client, world["other_director"])
    assert BODY not in text(client.get("/staff/complaints"))
    assert client.get(f"/staff/complaints/{c.id}").status_code == 404
    client.get("/logout")
    login(client, world["carer"])
    assert client.get("/staff/complaints").status_code == 403
    client.get("/logout")
    login(client, world["parent"])
    assert client.get("/regulator/complaints").status_code == 403
    db.session.expire_all()
    assert db.session.get(Complaint, c.id).status == "centre_asked"


def test_due_and_overdue_are_highlighted_and_counted_on_the_dashboard(client, db, world):
    file(world)
    late = file(world)
    late.due_on = late.due_on.replace(day=1)  # 2026-12-01
    db.session.commit()
    clock.set(datetime(2026, 12, 11, 2, 0, tzinfo=timezone.utc))  # the first is 3 days off
    login(client, world["regulator"])
    listing = text(client.get("/regulator/complaints"))
    assert "已逾期" in listing and "即将到期" in listing
    assert "未办结 2 件：即将到期 1 件，已逾期 1 件" in text(client.get("/regulator"))
    client.get("/logout")
    login(client, world["far_regulator"])
    assert "未办结 0 件" in text(client.get("/regulator"))


def test_a_provisional_deadline_says_so(client, db, world):
    clock.set(datetime(2026, 12, 14, 2, 0, tzinfo=timezone.utc))
    c = file(world)
    assert "截止日期为暂定：该年节假日尚未公布" in text(client.get(f"/complaints/track/{c.tracking_code}"))
