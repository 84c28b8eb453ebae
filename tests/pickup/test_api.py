"""The pickup API: the list (guardians first), changes by the family, photos, and the staff's
departure with a person from the list or an exception."""
import io

from werkzeug.datastructures import FileStorage

from booking.health import attendance
from booking.pickup import photos, services
from tests import factories as f
from tests.absences.world import PNG, world  # noqa: F401 (the fixture)


def url(w, kid="kid"):
    return f"/api/v1/children/{w[kid].id}/pickup-people"


PERSON = {"name": "外婆", "relation": "外婆", "phone": "13800001111", "id_last4": "567x"}


def test_the_family_keeps_the_list(client, world):
    h = f.bearer(client, world["parent"])
    resp = client.post(url(world), headers=h, json=PERSON)
    assert resp.status_code == 201, resp.get_json()
    p = resp.get_json()
    assert p["id_last4"] == "567X" and p["has_photo"] is False
    listed = client.get(url(world), headers=h).get_json()
    assert [g["name"] for g in listed["guardians"]][1] == "小明爸爸"
    assert [x["id"] for x in listed["people"]] == [p["id"]]
    changed = client.patch(f"{url(world)}/{p['id']}", headers=h, json={"phone": "13900002222"})
    assert changed.status_code == 200 and changed.get_json()["phone"] == "13900002222"
    bad = client.patch(f"{url(world)}/{p['id']}", headers=h, json={"id_last4": "12"})
    assert bad.status_code == 422 and "id_last4" in bad.get_json()["errors"]
    assert client.get(f"{url(world)}/{p['id']}/photo", headers=h).status_code == 404
    gone = client.delete(f"{url(world)}/{p['id']}", headers=h)
    assert gone.status_code == 200 and gone.get_json()["removed_at"]
    assert client.get(url(world), headers=h).get_json()["people"] == []
    assert client.delete(f"{url(world)}/{p['id']}", headers=h).status_code == 404


def test_photo_and_fragments_for_the_family_and_the_centre_only(client, world):
    p = services.add_person(world["kid"].id, world["parent"], name="外婆", relation="外婆",
                            phone="13800001111", id_last4="5678",
                            photo=photos.store(FileStorage(io.BytesIO(PNG), filename="a.png")))
    photo = f"{url(world)}/{p.id}/photo"
    staff = f.bearer(client, world["carer"])
    assert client.get(url(world), headers=staff).get_json()["people"][0]["id_last4"] == "5678"
    assert client.get(photo, headers=staff).data == PNG
    for who, status in (("other_parent", 404), ("other_staff", 404), ("regulator", 403)):
        h = f.bearer(client, world[who])
        assert client.get(url(world), headers=h).status_code == status, who
        assert client.get(photo, headers=h).status_code == status, who
    other = f.bearer(client, world["other_parent"])
    assert client.post(url(world), headers=other, json=PERSON).status_code == 404
    assert client.patch(f"{url(world)}/{p.id}", headers=other,
                        json={"name": "x"}).status_code == 404
    assert client.post(url(world), headers=staff, json=PERSON).status_code == 403


def test_the_staff_record_a_departure(client, world, db):
    grandma = services.add_person(world["kid"].id, world["parent"], name="外婆",
                                  relation="外婆", phone="13800001111", id_last4="5678")
    theirs = services.add_person(world["kid2"].id, world["other_parent"], name="别人",
                                 relation="姑姑", phone="13800001111", id_last4="0000")
    departure = f"/api/v1/attendance/{world['r'].id}/departure"
    staff = f.bearer(client, world["carer"])
    early = client.post(departure, headers=staff, json={"person_id": grandma.id})
    assert early.status_code == 409  # not arrived yet
    attendance.record_arrival(world["r"].id, world["carer"], temperature_c=36.6)
    wrong = client.post(departure, headers=staff, json={"person_id": theirs.id})
    assert wrong.status_code == 422 and "collected_by" in wrong.get_json()["errors"]
    no_reason = client.post(departure, headers=staff, json={"unlisted_name": "王阿姨"})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    assert client.post(departure, headers=f.bearer(client, world["other_staff"]),
                       json={"person_id": grandma.id}).status_code == 404
    assert client.post(departure, headers=f.bearer(client, world["parent"]),
                       json={"person_id": grandma.id}).status_code == 403
    ok = client.post(departure, headers=staff, json={"person_id": grandma.id})
    assert ok.status_code == 200, ok.get_json()
    out = ok.get_json()
    assert (out["collector"], out["person_id"], out["collected_by"]) == ("listed", grandma.id, "外婆")
    assert client.post(departure, headers=staff,
                       json={"guardian_id": world["parent"].id}).status_code == 409


def test_an_exception_through_the_api(client, world):
    attendance.record_arrival(world["r2"].id, world["carer"], temperature_c=36.6)
    staff = f.bearer(client, world["director"])
    resp = client.post(f"/api/v1/attendance/{world['r2'].id}/departure", headers=staff,
                       json={"unlisted_name": "邻居李叔叔", "reason": "家长加班，电话确认"})
    out = resp.get_json()
    assert resp.status_code == 200 and out["collector"] == "unlisted" and out["person_id"] is None
