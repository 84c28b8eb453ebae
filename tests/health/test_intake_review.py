"""The centre's review of an intake check (docs/guide-centres.md, 入托体检核验): the form's
photo inline, 退回 with a required reason (the family told, the audit log keeping it), and
核验并确认入托 in one transaction, on the page and in the API."""
from datetime import date
from pathlib import Path

import pytest

from booking.audit.models import AuditEvent, Notification
from booking.errors import Conflict, Forbidden, NotFound, ValidationFailed
from booking.health import review
from booking.health.models import HealthCheck
from booking.reservations import intake
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 200


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def add_check(db, kid, parent, *, result="pass", vaccination=True, valid_until=date(2027, 9, 1),
              attachment=None, app=None):
    check = HealthCheck(child_id=kid.id, examined_on=date(2026, 11, 20), institution="妇幼保健院",
                        result=result, vaccination_verified=vaccination, status="submitted",
                        valid_until=valid_until, submitted_by=parent.id)
    if attachment is not None:
        name, mime, data = attachment
        folder = Path(app.config["TUOWEI_UPLOAD_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        check.attachment_path, check.attachment_type, check.attachment_size = name, mime, len(data)
    db.session.add(check)
    db.session.commit()
    return check


@pytest.fixture
def world(app, db):
    c = f.centre()
    s = f.slot(c, capacity=2)
    parent = f.user()
    kid = f.child(parent)
    director = f.user("staff", centre_id=c.id)
    carer = f.user("staff", centre_id=c.id, staff_role="carer")
    health_worker = f.user("staff", centre_id=c.id, staff_role="health")
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    other = f.user("staff", centre_id=f.centre().id)
    return {"centre": c, "slot": s, "parent": parent, "kid": kid, "director": director,
            "carer": carer, "health": health_worker, "hold": hold, "other": other}


def events(db, action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def notes(db, kind):
    return db.session.scalars(db.select(Notification).where(Notification.kind == kind)).all()


# --- the preview ---------------------------------------------------------------------------

def test_inline_preview_of_an_image_and_a_pdf(app, client, db, world):
    w = world
    img = add_check(db, w["kid"], w["parent"], attachment=("a" * 32 + ".png", "image/png", PNG),
                    app=app)
    login(client, w["director"])
    page = client.get(f"/health-checks/{img.id}").get_data(as_text=True)
    assert f'src="/health-checks/{img.id}/attachment?inline=1"' in page
    inline = client.get(f"/health-checks/{img.id}/attachment?inline=1")
    assert inline.status_code == 200 and inline.data == PNG
    assert inline.headers["Content-Type"] == "image/png"
    assert inline.headers["Content-Disposition"].startswith("inline")
    assert inline.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in inline.headers["Cache-Control"]
    # the plain route still downloads
    assert client.get(f"/health-checks/{img.id}/attachment").headers[
        "Content-Disposition"].startswith("attachment")

    pdf = add_check(db, w["kid"], w["parent"], attachment=("b" * 32 + ".pdf", "application/pdf", PDF),
                    app=app)
    page = client.get(f"/health-checks/{pdf.id}").get_data(as_text=True)
    assert f'href="/health-checks/{pdf.id}/attachment?inline=1" target="_blank"' in page
    assert "<img" not in page.split('id="review"')[0].split("体检记录")[-1]
    got = client.get(f"/health-checks/{pdf.id}/attachment?inline=1")
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("inline")


def test_inline_preview_is_as_private_as_the_download(app, client, db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"], attachment=("c" * 32 + ".png", "image/png", PNG),
                      app=app)
    login(client, w["other"])
    assert client.get(f"/health-checks/{check.id}/attachment?inline=1").status_code == 404


# --- 退回 ---------------------------------------------------------------------------------

def test_return_needs_a_reason_and_changes_nothing_without_one(db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    for blank in ("", "   ", None):
        with pytest.raises(ValidationFailed) as err:
            review.return_check(check.id, w["health"], blank)
        assert "reason" in err.value.errors
    db.session.refresh(check)
    assert check.status == "submitted"
    assert events(db, "health_check.returned") == [] and notes(db, "health_check_returned") == []


def test_return_tells_the_family_and_is_logged(app, db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    review.return_check(check.id, w["health"], "  照片看不清  ")
    db.session.refresh(check)
    assert check.status == "rejected"
    [event] = events(db, "health_check.returned")
    assert event.reason == "照片看不清" and event.actor_id == w["health"].id
    assert event.centre_id == w["centre"].id
    [note] = notes(db, "health_check_returned")
    assert note.user_id == w["parent"].id
    from booking.audit.links import link_for
    from booking.audit.render import render_notification
    title, body = render_notification(note)
    assert w["kid"].name in title and "照片看不清" in body
    with app.test_request_context():
        assert link_for(note, "parent") == f"/children/{w['kid'].id}/health"
    # returned once: neither returned again nor verified
    with pytest.raises(Conflict):
        review.return_check(check.id, w["health"], "again")
    with pytest.raises(Conflict):
        intake.verify_and_enrol(check.id, w["director"])


def test_return_refused_to_staff_elsewhere_and_to_carers(db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    with pytest.raises(NotFound):
        review.return_check(check.id, w["other"], "看不清")
    with pytest.raises(NotFound):  # the carer may not verify (auth/permissions.py)
        review.return_check(check.id, w["carer"], "看不清")
    db.session.refresh(check)
    assert check.status == "submitted"


def test_return_page_refuses_a_blank_reason_then_returns(client, db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    login(client, w["health"])
    page = client.get(f"/health-checks/{check.id}").get_data(as_text=True)
    assert "退回" in page and "核验并确认入托" not in page  # the health worker confirms nothing
    resp = client.post(f"/health-checks/{check.id}/return", data={"reason": "  "})
    assert resp.status_code == 422 and "请写明退回原因" in resp.get_data(as_text=True)
    db.session.refresh(check)
    assert check.status == "submitted"
    resp = client.post(f"/health-checks/{check.id}/return", data={"reason": "缺少接种证查验页"})
    assert resp.status_code == 302
    db.session.refresh(check)
    assert check.status == "rejected"
    # the family reads why, and is led to upload again
    client.post("/logout")
    login(client, w["parent"])
    page = client.get(f"/health-checks/{check.id}").get_data(as_text=True)
    assert "原因：缺少接种证查验页" in page and "已退回，请重新上传" in page
    assert f'href="/children/{w["kid"].id}/health"' in page


# --- 核验并确认入托 --------------------------------------------------------------------------

def test_verify_and_enrol_does_both(db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    r = intake.verify_and_enrol(check.id, w["director"])
    db.session.refresh(check)
    assert check.status == "verified" and check.verified_by == w["director"].id
    assert r.id == w["hold"].id and r.status == "enrolled"
    assert len(events(db, "health_check.verified")) == 1
    assert len(events(db, "reservation.enrolled")) == 1
    assert len(notes(db, "enrolled")) == 1 and len(notes(db, "health_check_verified")) == 1


@pytest.mark.parametrize("kw, words", [
    ({"result": "follow_up"}, "体检结论不是合格"),
    ({"vaccination": False}, "预防接种证未查验"),
    ({"valid_until": date(2027, 2, 18)}, "已失效"),
])
def test_verify_and_enrol_refuses_a_check_that_cannot_cover_the_start(db, world, kw, words):
    w = world
    check = add_check(db, w["kid"], w["parent"], **kw)
    with pytest.raises(Conflict) as err:
        intake.verify_and_enrol(check.id, w["director"])
    assert words in err.value.message
    db.session.refresh(check)
    assert check.status == "submitted"
    assert db.session.get(Reservation, w["hold"].id).status == "held"
    assert events(db, "health_check.verified") == []


def test_verify_and_enrol_without_a_live_hold_changes_nothing(db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    reservations.cancel(w["hold"].id, w["parent"])
    # the child is no longer the centre's: the check is not theirs to review
    with pytest.raises(NotFound):
        intake.verify_and_enrol(check.id, w["director"])
    db.session.refresh(check)
    assert check.status == "submitted"


def test_verify_and_enrol_rolls_back_the_verification_when_confirm_refuses(db, world,
                                                                             monkeypatch):
    """A refusal inside confirm (here: the hold was enrolled meanwhile, simulated) leaves the
    check as it was: one transaction."""
    w = world
    check = add_check(db, w["kid"], w["parent"])
    from booking.reservations import enrolment

    def refuse(*a, **k):
        raise Conflict("refused inside confirm")
    monkeypatch.setattr(enrolment, "confirm", refuse)
    with pytest.raises(Conflict):
        intake.verify_and_enrol(check.id, w["director"])
    db.session.refresh(check)
    assert check.status == "submitted" and check.verified_by is None
    assert events(db, "health_check.verified") == [] and notes(db, "health_check_verified") == []


def test_verify_and_enrol_is_the_directors(db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    with pytest.raises(Forbidden):
        intake.verify_and_enrol(check.id, w["health"])
    with pytest.raises(NotFound):
        intake.verify_and_enrol(check.id, w["other"])
    db.session.refresh(check)
    assert check.status == "submitted"


def test_verify_and_enrol_on_the_page(client, db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    login(client, w["director"])
    page = client.get(f"/health-checks/{check.id}").get_data(as_text=True)
    assert "核验并确认入托" in page and "2027-03-01" in page
    resp = client.post(f"/health-checks/{check.id}/verify-and-enrol")
    assert resp.status_code == 302
    assert db.session.get(Reservation, w["hold"].id).status == "enrolled"
    shown = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已核验体检并确认" in shown and "核验并确认入托" not in shown


# --- the API --------------------------------------------------------------------------------

def test_api_return_and_verify_and_enrol(client, db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    hd = f.bearer(client, w["director"])
    blank = client.post(f"/api/v1/health-checks/{check.id}/return", json={"reason": " "},
                        headers=hd)
    assert blank.status_code == 422
    assert blank.headers["Content-Type"].startswith("application/problem+json")
    missing = client.post(f"/api/v1/health-checks/{check.id}/return", json={}, headers=hd)
    assert missing.status_code in (400, 422)
    db.session.refresh(check)
    assert check.status == "submitted"

    ok = client.post(f"/api/v1/health-checks/{check.id}/verify-and-enrol", headers=hd)
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["check"]["status"] == "verified"
    assert body["reservation"] == {"id": w["hold"].id, "status": "enrolled"}
    again = client.post(f"/api/v1/health-checks/{check.id}/verify-and-enrol", headers=hd)
    assert again.status_code == 409
    assert again.headers["Content-Type"].startswith("application/problem+json")


def test_api_return_then_refused_twice(client, db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    hh = f.bearer(client, w["health"])
    resp = client.post(f"/api/v1/health-checks/{check.id}/return", json={"reason": "看不清"},
                       headers=hh)
    assert resp.status_code == 200 and resp.get_json()["status"] == "rejected"
    again = client.post(f"/api/v1/health-checks/{check.id}/return", json={"reason": "看不清"},
                        headers=hh)
    assert again.status_code == 409


def test_api_scope(client, db, world):
    w = world
    check = add_check(db, w["kid"], w["parent"])
    ho, hp = f.bearer(client, w["other"]), f.bearer(client, w["parent"])
    for path, body in (("return", {"reason": "x"}), ("verify-and-enrol", None)):
        url = f"/api/v1/health-checks/{check.id}/{path}"
        assert client.post(url, json=body, headers=ho).status_code == 404
        assert client.post(url, json=body, headers=hp).status_code in (403, 404)
    # a carer may do neither
    hc = f.bearer(client, w["carer"])
    assert client.post(f"/api/v1/health-checks/{check.id}/verify-and-enrol",
                       headers=hc).status_code == 403
    assert client.post("/api/v1/health-checks/999999/verify-and-enrol",
                       headers=f.bearer(client, w["director"])).status_code == 404
    db.session.refresh(check)
    assert check.status == "submitted"
