"""Photos: JPEG or PNG by content, within the size limit, stored outside the web root, shown
only to the child's guardians and its centre's staff."""
import io

import pytest
from sqlalchemy import func, select

from booking.daily import photos, services
from booking.daily.errors import NotPresent
from booking.daily.models import DailyEntry
from booking.errors import NotFound, ValidationFailed
from tests.daily.conftest import JPEG, PDF, PNG, b64, login


class _Upload:
    def __init__(self, data, filename):
        self._data, self.filename = data, filename

    def read(self, n=-1):
        return self._data[:n] if n >= 0 else self._data


def _files(app):
    folder = photos.folder()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_store_checks_the_content_not_the_name(app):
    name, mime, size = photos.store(_Upload(PNG, "a.png"))
    assert mime == "image/png" and size == len(PNG) and name.endswith(".png")
    assert photos.path_of(name).read_bytes() == PNG
    assert str(photos.path_of(name).parent).startswith(app.config["TUOWEI_UPLOAD_DIR"])
    for data, filename in ((PDF, "a.pdf"), (PDF, "a.png"), (PNG, "a.jpg"), (b"GIF89a...", "a.gif"),
                           (b"", "a.png")):
        with pytest.raises(ValidationFailed) as err:
            photos.store(_Upload(data, filename))
        assert "photo" in err.value.errors
    assert len(_files(app)) == 1


def test_too_large_is_refused_before_anything_is_written(app):
    app.config["TUOWEI_MAX_ATTACHMENT_BYTES"] = 1024
    with pytest.raises(ValidationFailed) as err:
        photos.store(_Upload(JPEG + b"\x00" * 2048, "big.jpg"))
    assert err.value.errors == {"photo": ["照片不能超过 1 KB"]}
    with pytest.raises(ValidationFailed) as err:
        photos.store_base64(b64(JPEG + b"\x00" * 2048), "big.jpg")
    assert "content_base64" in err.value.errors
    with pytest.raises(ValidationFailed):
        photos.store_base64("not base64!!", "a.jpg")
    assert _files(app) == []


def test_path_of_never_leaves_the_folder(app):
    with pytest.raises(ValueError):
        photos.path_of("../secret.txt")


def test_a_photo_for_a_child_not_come_today_is_refused(world, db):
    stored = photos.store(_Upload(JPEG, "a.jpg"))
    with pytest.raises(NotPresent):
        services.add_photo(world["carer"], world["kid3"].id, stored)
    with pytest.raises(NotFound):
        services.add_photo(world["carer"], world["kid4"].id, stored)
    assert db.session.scalar(select(func.count(DailyEntry.id))) == 0


def test_removing_a_photo_deletes_its_file(world, app):
    stored = photos.store(_Upload(JPEG, "a.jpg"))
    entry = services.add_photo(world["carer"], world["kid"].id, stored, caption="搭积木")
    assert entry.kind == "photo" and entry.note == "搭积木" and _files(app) == [stored[0]]
    services.remove(world["carer"], entry.id)
    assert _files(app) == []


def _upload_page(client, w, data, filename, child="kid"):
    return client.post(f"/staff/daily/children/{w[child].id}/photo",
                       data={"photo": (io.BytesIO(data), filename), "caption": "户外"},
                       content_type="multipart/form-data")


def test_the_photo_page_refuses_wrong_types_and_sizes_keeping_no_file(client, world, app):
    login(client, world["carer"])
    resp = _upload_page(client, world, PDF, "form.pdf")
    assert resp.status_code == 422 and "只能上传 JPG 或 PNG" in resp.get_data(as_text=True)
    resp = _upload_page(client, world, PDF, "sneaky.jpg")
    assert resp.status_code == 422 and "按文件内容检查" in resp.get_data(as_text=True)
    app.config["TUOWEI_MAX_ATTACHMENT_BYTES"] = 1024
    resp = _upload_page(client, world, JPEG + b"\x00" * 4096, "big.jpg")
    assert resp.status_code == 422 and "不能超过" in resp.get_data(as_text=True)
    resp = _upload_page(client, world, JPEG, "ok.jpg", child="kid3")  # not come today
    assert resp.status_code == 409 and "没有入园" in resp.get_data(as_text=True)
    assert _files(app) == []
    resp = _upload_page(client, world, JPEG, "ok.jpg")
    assert resp.status_code == 302 and len(_files(app)) == 1


def test_photos_are_served_to_guardians_and_the_centres_staff_only(client, world, app):
    entry = services.add_photo(world["carer"], world["kid"].id,
                               photos.store(_Upload(PNG, "a.png")))
    url = f"/daily/photos/{entry.id}"
    for who in ("parent", "carer", "director", "health"):
        login(client, world[who])
        resp = client.get(url)
        assert resp.status_code == 200 and resp.data == PNG, who
        assert resp.mimetype == "image/png" and "no-store" in resp.headers["Cache-Control"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        client.post("/logout")
    for who, status in (("parent2", 404), ("parent3", 404), ("other_staff", 404),
                        ("finance", 403), ("regulator", 403)):
        login(client, world[who])
        assert client.get(url).status_code == status, who
        client.post("/logout")
    # a note is not a photo
    note = services.log(world["carer"], [world["kid"].id], action="note", note="x")[0]
    login(client, world["parent"])
    assert client.get(f"/daily/photos/{note.id}").status_code == 404
