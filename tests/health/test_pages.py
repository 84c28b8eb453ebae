"""Health pages: entering a check with an attachment, who sees what (the access matrix),
regulators' stated reasons, and the next steps after a failed check."""
import io
from datetime import date
from pathlib import Path

import pytest

from booking.audit.models import AuditEvent
from booking.health import services as health
from booking.health.models import HealthCheck
from booking.reservations import services as reservations
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 200
FORM = {"institution": "雁塔区妇幼保健院", "examined_on": "2026-11-20", "height_cm": "86.5",
        "weight_kg": "12.30", "haemoglobin_g_l": "118", "findings": "未见异常",
        "result": "pass", "vaccination_verified": "y"}


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:400]


def upload_dir(app) -> Path:
    return Path(app.config["TUOWEI_UPLOAD_DIR"])


def stored_files(app):
    d = upload_dir(app)
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


@pytest.fixture
def world(app):
    c = f.centre()
    s = f.slot(c, capacity=2)
    parent = f.user()
    kid = f.child(parent)
    staff = f.user("staff", centre_id=c.id)
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    return {"centre": c, "slot": s, "parent": parent, "kid": kid, "staff": staff, "hold": hold}


def submit_page(client, kid, **extra):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart
    data = dict(FORM, **extra)
    if "attachment" in data:
        stream, name = data["attachment"]
        data["attachment"] = FileStorage(stream, filename=name)
    # encoded in memory: the test client's own temporary file for big bodies is never closed
    boundary, body = encode_multipart(data)
    return client.post(f"/children/{kid.id}/health", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_parent_enters_check_with_a_pdf(app, client, world, db):
    login(client, world["parent"])
    page = client.get(f"/children/{world['kid'].id}/health")
    assert page.status_code == 200 and "提交入托体检记录" in page.get_data(as_text=True)
    resp = submit_page(client, world["kid"], attachment=(io.BytesIO(PDF), "体检表.pdf"))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    check = db.session.scalar(db.select(HealthCheck))
    assert check.height_cm == 86.5 and check.weight_kg == 12.3 and check.haemoglobin_g_l == 118
    assert check.attachment_type == "application/pdf" and check.attachment_size == len(PDF)
    # a random name, outside the web root, not the uploaded name
    assert stored_files(app) == [check.attachment_path]
    assert check.attachment_path.endswith(".pdf") and "体检表" not in check.attachment_path
    assert not str(upload_dir(app)).startswith(str(Path(app.static_folder)))
    got = client.get(f"/health-checks/{check.id}/attachment")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert "no-store" in got.headers["Cache-Control"]


@pytest.mark.parametrize("name, content, message", [
    ("photo.gif", b"GIF89a" + b"\x00" * 50, "只能上传 JPG、PNG 图片或 PDF 文件"),
    # the extension says PNG, the bytes say otherwise: refused by content
    ("fake.png", b"MZ\x90\x00 not an image", "按文件内容检查"),
    ("form.pdf", PNG, "按文件内容检查"),  # a real PNG named .pdf
    ("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "文件不能超过 5 MB"),
])
def test_wrong_type_or_oversize_is_refused_and_nothing_stored(app, client, world, db, name,
                                                              content, message):
    login(client, world["parent"])
    resp = submit_page(client, world["kid"], attachment=(io.BytesIO(content), name))
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(HealthCheck.id))) == 0
    assert stored_files(app) == []


def test_refused_service_removes_the_stored_file(app, client, world, db):
    login(client, world["parent"])
    resp = submit_page(client, world["kid"], examined_on="2030-01-01",
                       attachment=(io.BytesIO(PNG), "a.png"))
    assert resp.status_code == 422 and "体检日期不能晚于今天" in resp.get_data(as_text=True)
    assert stored_files(app) == []


@pytest.mark.parametrize("result, words", [("fail", "重新进行入托体检"),
                                           ("follow_up", "复查合格后")])
def test_failed_or_follow_up_tells_the_parent_what_next(client, world, result, words):
    login(client, world["parent"])
    resp = submit_page(client, world["kid"], result=result)
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert words in page


def test_staff_verify_from_the_page(client, world, db):
    check = health.submit(world["kid"].id, world["parent"], examined_on=date(2026, 11, 20),
                          institution="x", result="pass", vaccination_verified=True)
    login(client, world["staff"])
    listing = client.get("/staff/health").get_data(as_text=True)
    assert world["kid"].name in listing
    resp = client.post(f"/health-checks/{check.id}/verify", data={"next": "/staff/health"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/health")
    db.session.refresh(check)
    assert check.status == "verified"


# --- the access matrix --------------------------------------------------------------------

ROLES = ["parent", "other_parent", "staff", "other_staff", "regulator", "regulator_reason",
         "admin", "anonymous"]

# expected status per role for each endpoint
EXPECT = {
    "child_page":      dict(parent=200, other_parent=404, staff=200, other_staff=404,
                            regulator=403, regulator_reason=403, admin=403, anonymous=302),
    "record":          dict(parent=200, other_parent=404, staff=200, other_staff=404,
                            regulator="reason-form", regulator_reason=200, admin=403,
                            anonymous=302),  # admins have no health_record.read (the table)
    "attachment":      dict(parent=200, other_parent=404, staff=200, other_staff=404,
                            regulator=403, regulator_reason=200, admin=403, anonymous=302),
    "submit_page":     dict(parent=302, other_parent=404, staff=302, other_staff=404,
                            regulator=403, regulator_reason=403, admin=403, anonymous=302),
    "api_submit":      dict(parent=201, other_parent=404, staff=201, other_staff=404,
                            regulator=403, regulator_reason=403, admin=403, anonymous=401),
    "verify_page":     dict(parent=403, other_parent=403, staff=302, other_staff=404,
                            regulator=403, regulator_reason=403, admin=403, anonymous=302),
    "api_verify":      dict(parent=403, other_parent=403, staff=200, other_staff=404,
                            regulator=403, regulator_reason=403, admin=403, anonymous=401),
}


def _user_for(role, world):
    if role == "parent":
        return world["parent"]
    if role == "other_parent":
        return f.user()
    if role == "staff":
        return world["staff"]
    if role == "other_staff":
        return f.user("staff", centre_id=f.centre().id)
    if role.startswith("regulator"):
        return f.user("regulator")
    if role == "admin":
        return f.user("admin")
    return None


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, client, world, db, role):
    check = health.submit(world["kid"].id, world["parent"], examined_on=date(2026, 11, 20),
                          institution="雁塔区妇幼保健院", result="pass", vaccination_verified=True,
                          findings="SECRET-FINDING", attachment=("x" * 32 + ".png", "image/png",
                                                                 len(PNG)))
    upload_dir(app).mkdir(parents=True, exist_ok=True)
    (upload_dir(app) / check.attachment_path).write_bytes(PNG)
    user = _user_for(role, world)
    api_headers = f.bearer(app.test_client(), user) if user else {}
    if user:
        login(client, user)
    kid = world["kid"]
    got = {}
    got["child_page"] = client.get(f"/children/{kid.id}/health").status_code
    if role == "regulator_reason":
        resp = client.post(f"/health-checks/{check.id}", data={"reason": "投诉核查"})
    else:
        resp = client.get(f"/health-checks/{check.id}")
    body = resp.get_data(as_text=True)
    if role == "regulator":
        assert resp.status_code == 200 and "SECRET-FINDING" not in body and "说明理由" in body
        got["record"] = "reason-form"
        assert client.post(f"/health-checks/{check.id}", data={"reason": " "}).status_code == 422
    else:
        got["record"] = resp.status_code
        if resp.status_code == 200:
            assert "SECRET-FINDING" in body
    if role == "regulator_reason":
        got["attachment"] = client.post(f"/health-checks/{check.id}/attachment",
                                        data={"reason": "投诉核查"}).status_code
    else:
        got["attachment"] = client.get(f"/health-checks/{check.id}/attachment").status_code
    got["submit_page"] = client.post(f"/children/{kid.id}/health", data=FORM,
                                     content_type="multipart/form-data").status_code
    got["api_submit"] = client.post(
        f"/api/v1/children/{kid.id}/health-checks", headers=api_headers,
        json={"examined_on": "2026-11-20", "institution": "x", "result": "pass",
              "vaccination_verified": True}).status_code
    got["verify_page"] = client.post(f"/health-checks/{check.id}/verify").status_code
    # the page verified it for staff already; check the API on a fresh check
    fresh = health.submit(kid.id, world["parent"], examined_on=date(2026, 11, 21),
                          institution="x", result="pass", vaccination_verified=True)
    got["api_verify"] = client.post(f"/api/v1/health-checks/{fresh.id}/verify",
                                    headers=api_headers).status_code
    assert got == {k: v[role] for k, v in EXPECT.items()}
    reads = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "health_check.read")).all()
    if role == "regulator_reason":
        assert reads and all(e.reason == "投诉核查" and e.actor_id == user.id for e in reads)
    if role in ("regulator", "other_parent", "other_staff", "admin", "anonymous", "parent"):
        assert reads == []  # nothing read, or a guardian's own read (not logged)
    if role == "staff":
        assert reads and all(e.actor_id == user.id for e in reads)
