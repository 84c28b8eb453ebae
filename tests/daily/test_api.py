"""The daily record's API: staff log for several children at once, correct and remove; a family
reads its child's days; photos go up as base64 and come back only to those who may see them."""
from datetime import timedelta

from sqlalchemy import func, select

from booking import clock
from booking.daily import photos
from booking.daily.models import DailyEntry
from tests import factories as f
from tests.daily.conftest import JPEG, PDF, PNG, at, b64


def _count(db):
    return db.session.scalar(select(func.count(DailyEntry.id)))


def _log(client, h, **body):
    return client.post("/api/v1/daily-entries", json=body, headers=h)


def test_staff_log_a_meal_for_several_children(client, world, db):
    h = f.bearer(client, world["carer"])
    resp = _log(client, h, child_ids=[world["kid"].id, world["kid2"].id], action="meal",
                meal="lunch", amount="all", at=at(9, 30).isoformat())
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert [e["child_id"] for e in body] == [world["kid"].id, world["kid2"].id]
    assert body[0]["kind"] == "meal" and body[0]["amount"] == "all" and body[0]["photo_url"] is None
    assert body[0]["on_date"] == "2026-11-23" and body[0]["at"] == "2026-11-23T09:30:00+08:00"


def test_an_idempotency_key_logs_once(client, world, db):
    h = {**f.bearer(client, world["carer"]), "Idempotency-Key": "meal-1"}
    body = dict(child_ids=[world["kid"].id], action="toilet", toilet="dry")
    first = _log(client, h, **body)
    again = _log(client, h, **body)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() and _count(db) == 1


def test_failure_paths(client, world, db):
    h = f.bearer(client, world["carer"])
    resp = _log(client, h, child_ids=[world["kid"].id], action="meal", meal="elevenses",
                amount="all")
    assert resp.status_code == 422 and "meal" in resp.get_json()["errors"]
    resp = _log(client, h, child_ids=[world["kid"].id], action="meal")
    assert resp.status_code == 422 and set(resp.get_json()["errors"]) == {"meal", "amount"}
    resp = _log(client, h, child_ids=[], action="note", note="x")
    assert resp.status_code == 422 and "child_ids" in resp.get_json()["errors"]
    resp = _log(client, h, child_ids=[world["kid"].id, world["kid3"].id], action="nap_start")
    problem = resp.get_json()
    assert resp.status_code == 409 and problem["type"].endswith("/not-present")
    assert problem["child_ids"] == [world["kid3"].id]
    resp = _log(client, h, child_ids=[world["kid"].id, world["kid4"].id], action="nap_start")
    assert resp.status_code == 404
    resp = _log(client, h, child_ids=[world["kid"].id], action="note", note="x",
                at=(clock.now() - timedelta(days=1)).isoformat())
    assert resp.status_code == 409 and resp.get_json()["type"].endswith("/day-closed")
    resp = _log(client, h, child_ids=[world["kid"].id], action="nap_end")
    assert resp.status_code == 409 and resp.get_json()["type"].endswith("/conflict")
    assert _count(db) == 0
    for who in ("parent", "finance", "regulator"):
        assert _log(client, f.bearer(client, world[who]), child_ids=[world["kid"].id],
                    action="note", note="x").status_code == 403


def test_correct_and_remove(client, world, db):
    h = f.bearer(client, world["carer"])
    entry = _log(client, h, child_ids=[world["kid"].id], action="nap_start",
                 at=at(9).isoformat()).get_json()[0]
    url = f"/api/v1/daily-entries/{entry['id']}"
    resp = client.patch(url, json={"ends_at": at(9, 45).isoformat()}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["ends_at"] == "2026-11-23T09:45:00+08:00"
    resp = client.patch(url, json={"mood": "happy"}, headers=h)
    assert resp.status_code == 422 and "mood" in resp.get_json()["errors"]
    other = f.bearer(client, world["carer2"])
    assert client.patch(url, json={"note": "x"}, headers=other).status_code == 403
    assert client.delete(url, headers=other).status_code == 403
    assert client.patch(url, json={"note": "x"},
                        headers=f.bearer(client, world["other_staff"])).status_code == 404
    clock.advance(timedelta(days=1))
    resp = client.delete(url, headers=h)
    assert resp.status_code == 409 and resp.get_json()["type"].endswith("/day-closed")
    clock.advance(timedelta(days=-1))
    resp = client.delete(url, headers=h)
    assert resp.status_code == 200 and resp.get_json() == {"id": entry["id"], "removed": True}
    assert client.delete(url, headers=h).status_code == 404


def test_a_guardian_reads_the_day_and_the_days(client, world, db):
    staff = f.bearer(client, world["carer"])
    kid = world["kid"].id
    _log(client, staff, child_ids=[kid], action="meal", meal="breakfast", amount="most",
         at=at(8, 30).isoformat())
    _log(client, staff, child_ids=[kid], action="mood", mood="calm")
    h = f.bearer(client, world["parent"])
    day = client.get(f"/api/v1/children/{kid}/days/2026-11-23", headers=h).get_json()
    assert day["child_id"] == kid and len(day["centres"]) == 1
    part = day["centres"][0]
    assert part["centre_id"] == world["centre"].id
    assert part["attendance"]["temperature_c"] == 36.6 and part["attendance"]["morning_check_passed"]
    assert part["attendance"]["brought_by"] is None
    assert [e["kind"] for e in part["entries"]] == ["meal", "mood"]
    assert part["summary"]["meals"] == [{"meal": "breakfast", "amount": "most"}]
    assert part["summary"]["mood"] == "calm"
    days = client.get(f"/api/v1/children/{kid}/days", headers=h).get_json()
    assert days["total"] == 1 and days["items"][0] == {
        "on_date": "2026-11-23", "arrived_at": days["items"][0]["arrived_at"],
        "departed_at": None, "absent": False, "entries": 2, "photos": 0}
    assert client.get(f"/api/v1/children/{kid}/days/not-a-day", headers=h).status_code == 404
    empty = client.get(f"/api/v1/children/{kid}/days/2026-10-01", headers=h).get_json()
    assert empty["centres"] == []


def test_the_record_is_private(client, world):
    kid = world["kid"].id
    _log(client, f.bearer(client, world["carer"]), child_ids=[kid], action="note", note="秘密")
    for who, status in (("parent2", 404), ("parent3", 404), ("other_staff", 404),
                        ("regulator", 403), ("finance", 403)):
        h = f.bearer(client, world[who])
        for url in (f"/api/v1/children/{kid}/days", f"/api/v1/children/{kid}/days/2026-11-23"):
            resp = client.get(url, headers=h)
            assert resp.status_code == status, (who, url)
            assert "秘密" not in resp.get_data(as_text=True)
    # the other centre's staff see their own child only, and nothing of centre A's
    h = f.bearer(client, world["other_staff"])
    assert client.get(f"/api/v1/children/{world['kid4'].id}/days/2026-11-23",
                      headers=h).status_code == 200


def test_the_class_view_for_the_staff(client, world):
    h = f.bearer(client, world["carer"])
    _log(client, h, child_ids=[world["kid"].id], action="nap_start")
    rows = client.get(f"/api/v1/groups/{world['group'].id}/daily", headers=h).get_json()
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"安安", "乐乐", "朵朵"}
    assert by_name["安安"]["napping_since"] and by_name["安安"]["selectable"]
    assert by_name["朵朵"]["state"] == "not_arrived" and not by_name["朵朵"]["selectable"]
    assert by_name["安安"]["care_notes"] == []
    other = f.bearer(client, world["other_staff"])
    assert client.get(f"/api/v1/groups/{world['group'].id}/daily", headers=other).status_code == 404


def _upload(client, h, child_id, data, filename="day.jpg", **extra):
    return client.post(f"/api/v1/children/{child_id}/daily-photos",
                       json={"filename": filename, "content_base64": b64(data), **extra},
                       headers=h)


def test_photos_up_and_down(client, world, app):
    h = f.bearer(client, world["carer"])
    resp = _upload(client, h, world["kid"].id, JPEG, caption="滑滑梯")
    assert resp.status_code == 201, resp.get_json()
    entry = resp.get_json()
    assert entry["kind"] == "photo" and entry["note"] == "滑滑梯"
    assert entry["photo_url"] == f"/api/v1/daily-photos/{entry['id']}"
    for who in ("parent", "director"):
        got = client.get(entry["photo_url"], headers=f.bearer(client, world[who]))
        assert got.status_code == 200 and got.data == JPEG and got.mimetype == "image/jpeg"
    for who, status in (("parent2", 404), ("other_staff", 404), ("regulator", 403)):
        assert client.get(entry["photo_url"],
                          headers=f.bearer(client, world[who])).status_code == status, who


def test_photo_failure_paths(client, world, app):
    h = f.bearer(client, world["carer"])
    resp = _upload(client, h, world["kid"].id, PDF, "form.pdf")
    assert resp.status_code == 422 and "content_base64" in resp.get_json()["errors"]
    resp = _upload(client, h, world["kid"].id, PNG, "photo.jpg")  # the name lies
    assert resp.status_code == 422
    resp = client.post(f"/api/v1/children/{world['kid'].id}/daily-photos",
                       json={"filename": "a.jpg", "content_base64": "%%%"}, headers=h)
    assert resp.status_code == 422
    app.config["TUOWEI_MAX_ATTACHMENT_BYTES"] = 1024
    resp = _upload(client, h, world["kid"].id, JPEG + b"\x00" * 2000)
    assert resp.status_code == 422 and "不能超过" in str(resp.get_json()["errors"])
    resp = _upload(client, h, world["kid"].id, JPEG + b"\x00" * 200_000)
    assert resp.status_code == 413 and resp.get_json()["type"].endswith("/too-large")
    app.config["TUOWEI_MAX_ATTACHMENT_BYTES"] = 5 * 1024 * 1024
    resp = _upload(client, h, world["kid3"].id, JPEG)  # not come today
    assert resp.status_code == 409 and resp.get_json()["type"].endswith("/not-present")
    resp = _upload(client, h, world["kid4"].id, JPEG)  # another centre's child
    assert resp.status_code == 404
    folder = photos.folder()
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_photo_near_the_limit_fits_through_the_api(client, world, app):
    h = f.bearer(client, world["carer"])
    big = JPEG + b"\x00" * (5 * 1024 * 1024 - len(JPEG) - 10)
    resp = _upload(client, h, world["kid"].id, big)
    assert resp.status_code == 201, resp.status_code


def test_the_class_view_shows_allergies(client, world):
    """The health notes' allergy labels beside the child's name (docs/growth.md)."""
    from booking.growth import notes as health_notes
    health_notes.add(world["kid"].id, world["parent"], kind="allergy", title="花生",
                     severity="severe")
    from booking.daily import queries
    rows = queries.class_view(world["carer"].centre_id, None, clock.today())
    by_name = {r.child.name: r.notes for r in rows}
    assert any("花生" in n for n in by_name["安安"]) and by_name["乐乐"] == []
