"""The pickup list's pages and the departure on the attendance sheet: the family keeps the
list with photos; staff choose from it; an exception names the person and the reason."""
import io
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from booking.audit.models import Notification
from booking.health import attendance
from booking.pickup import photos, services
from booking.pickup.models import PickupPerson
from tests.absences.world import PDF, PNG, login, text, world  # noqa: F401 (the fixture)

HX = {"HX-Request": "true"}


def page(w, kid="kid"):
    return f"/children/{w[kid].id}/pickup"


def person(**kw):
    return {"name": "外婆", "relation": "外婆", "phone": "13800001111", "id_last4": "5678", **kw}


def test_the_family_adds_edits_and_removes_a_person_with_a_photo(client, world, db, app):
    login(client, world["parent"])
    listing = text(client.get(page(world)))
    assert "小明爸爸" in listing and "监护人，默认可接送" in listing
    resp = client.post(page(world), data=person(photo=(io.BytesIO(PNG), "nan.png")),
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    p = db.session.scalar(select(PickupPerson))
    listing = text(client.get(page(world)))
    assert "外婆" in listing and "身份证尾号 5678" in listing
    photo_url = f"{page(world)}/{p.id}/photo"
    assert photo_url in listing
    img = client.get(photo_url)
    assert img.status_code == 200 and img.mimetype == "image/png" and img.data == PNG
    assert "no-store" in img.headers["Cache-Control"]
    edit = client.post(f"{page(world)}/{p.id}", data=person(phone="13900002222", drop_photo="y"),
                       content_type="multipart/form-data")
    assert edit.status_code == 302
    db.session.refresh(p)
    assert p.phone == "13900002222" and p.photo_path is None
    assert client.get(photo_url).status_code == 404
    gone = client.post(f"{page(world)}/{p.id}/remove")
    assert gone.status_code == 302 and "已从接送名单移除" in text(client.get(gone.headers["Location"]))
    assert client.get(f"{page(world)}/{p.id}").status_code == 404
    assert not any(Path(app.config["TUOWEI_UPLOAD_DIR"]).iterdir())


def test_a_refused_person_keeps_the_input_and_no_file(client, world, app):
    login(client, world["parent"])
    resp = client.post(page(world), data=person(id_last4="12ab"))
    assert resp.status_code == 422 and "身份证号后四位" in text(resp) and "13800001111" in text(resp)
    pdf = client.post(page(world), data=person(photo=(io.BytesIO(PDF), "nan.png")),
                      content_type="multipart/form-data")
    assert pdf.status_code == 422 and "JPG 或 PNG" in text(pdf)
    upload = Path(app.config["TUOWEI_UPLOAD_DIR"])
    assert not upload.exists() or not any(upload.iterdir())
    bad_phone = client.post(page(world), data=person(phone="call me"),
                            content_type="multipart/form-data")
    assert bad_phone.status_code == 422 and "有效的电话号码" in text(bad_phone)


def test_photos_and_id_fragments_only_for_the_family_and_the_centre(client, world):
    p = services.add_person(world["kid"].id, world["parent"], name="外婆", relation="外婆",
                            phone="13800001111", id_last4="5678",
                            photo=photos.store(FileStorage(io.BytesIO(PNG), filename="a.png")))
    photo_url = f"{page(world)}/{p.id}/photo"
    login(client, world["carer"])
    assert client.get(photo_url).status_code == 200
    assert client.get(page(world)).status_code == 403  # the list's page is the family's
    for who, status in (("other_parent", 404), ("other_staff", 404), ("regulator", 403)):
        client.post("/logout")
        login(client, world[who])
        assert client.get(photo_url).status_code == status, who
        if who == "other_parent":
            assert client.get(page(world)).status_code == 404
            assert client.post(f"{page(world)}/{p.id}/remove").status_code == 404
            assert client.post(f"{page(world)}/{p.id}", data=person()).status_code == 404


def test_the_staff_choose_who_collects_from_the_list(client, world, db):
    grandma = services.add_person(world["kid"].id, world["parent"], name="外婆", relation="外婆",
                                  phone="13800001111", id_last4="5678")
    attendance.record_arrival(world["r"].id, world["carer"], temperature_c=36.6)
    login(client, world["carer"])
    sheet = text(client.get(f"/staff/attendance?group={world['group'].id}"))
    assert f'value="g{world["parent"].id}"' in sheet and f'value="p{grandma.id}"' in sheet
    assert "身份证尾号 5678" in sheet and 'value="other"' in sheet
    resp = client.post(f"/staff/attendance/{world['r'].id}/depart", headers=HX,
                       data={"collector": f"p{grandma.id}"})
    assert resp.status_code == 200 and "接走人：外婆" in text(resp) and "名单外" not in text(resp)


def test_an_exception_on_the_sheet(client, world, db):
    attendance.record_arrival(world["r"].id, world["carer"], temperature_c=36.6)
    login(client, world["carer"])
    url = f"/staff/attendance/{world['r'].id}/depart"
    bad = client.post(url, headers=HX, data={"collector": "other", "unlisted_name": "王阿姨"})
    assert bad.status_code == 422 and "须说明原因" in text(bad)
    theirs = services.add_person(world["kid2"].id, world["other_parent"], name="别人",
                                 relation="姑姑", phone="13800001111", id_last4="0000")
    other = client.post(url, headers=HX, data={"collector": f"p{theirs.id}"})
    assert other.status_code == 422 and "不在孩子的接送名单上" in text(other)
    ok = client.post(url, headers=HX, data={"collector": "other", "unlisted_name": "王阿姨",
                                            "reason": "妈妈来电委托"})
    body = text(ok)
    assert ok.status_code == 200 and "已登记名单外的人接走，已通知监护人" in body
    assert "名单外" in body and "原因：妈妈来电委托" in body
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == world["father"].id, Notification.kind == "unlisted_pickup"))
    # the family reads it in the inbox
    client.post("/logout")
    login(client, world["parent"])
    assert "由接送名单外的人接走" in text(client.get("/inbox"))
