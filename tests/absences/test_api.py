"""The absences API: a guardian's absences (read, report, withdraw), problem documents for
what is refused, and who gets 404 or 403."""
from datetime import timedelta

from tests import factories as f
from tests.absences.world import MONDAY, world  # noqa: F401 (the fixture)

TUESDAY = MONDAY + timedelta(days=1)


def url(w, kid="kid"):
    return f"/api/v1/children/{w[kid].id}/absences"


def test_report_read_and_withdraw(client, world):
    h = f.bearer(client, world["parent"])
    resp = client.post(url(world), headers=h, json={
        "starts_on": TUESDAY.isoformat(), "ends_on": (TUESDAY + timedelta(days=2)).isoformat(),
        "reason": "illness", "symptoms": ["fever", "other"], "symptom_other": "流鼻涕"})
    assert resp.status_code == 201, resp.get_json()
    a = resp.get_json()
    assert a["symptoms"] == ["fever", "other"] and a["source"] == "guardian" \
        and a["reached"] is None and a["withdrawn_at"] is None
    listed = client.get(url(world), headers=h).get_json()
    assert [x["id"] for x in listed] == [a["id"]]
    # the centre's care staff read it too
    staff = f.bearer(client, world["carer"])
    assert client.get(url(world), headers=staff).get_json()[0]["reason"] == "illness"
    done = client.post(f"{url(world)}/{a['id']}/withdraw", headers=h)
    assert done.status_code == 200 and done.get_json()["withdrawn_at"]
    again = client.post(f"{url(world)}/{a['id']}/withdraw", headers=h)
    assert again.status_code == 409 and again.get_json()["type"].endswith("/conflict")


def test_refusals_are_problem_documents(client, world):
    h = f.bearer(client, world["parent"])
    past = client.post(url(world), headers=h, json={
        "starts_on": (MONDAY - timedelta(days=3)).isoformat(), "reason": "family"})
    assert past.status_code == 422 and "starts_on" in past.get_json()["errors"]
    no_symptom = client.post(url(world), headers=h, json={"starts_on": TUESDAY.isoformat(),
                                                          "reason": "illness"})
    assert no_symptom.status_code == 422 and "symptoms" in no_symptom.get_json()["errors"]
    wrong = client.post(url(world), headers=h, json={"starts_on": TUESDAY.isoformat(),
                                                     "reason": "holiday"})
    assert wrong.status_code == 422 and "reason" in wrong.get_json()["errors"]
    assert client.post(url(world), headers=h, data="x",
                       content_type="application/json").status_code == 400
    ok = {"starts_on": TUESDAY.isoformat(), "reason": "family"}
    assert client.post(url(world), headers=h, json=ok).status_code == 201
    clash = client.post(url(world), headers=h, json=ok)
    assert clash.status_code == 409 and "已有请假" in clash.get_json()["detail"]
    waiting = f.child(world["parent"])
    not_enrolled = client.post(f"/api/v1/children/{waiting.id}/absences", headers=h, json=ok)
    assert not_enrolled.status_code == 409


def test_strangers_get_404_and_others_403(client, world):
    ok = {"starts_on": TUESDAY.isoformat(), "reason": "family"}
    mine = client.post(url(world), headers=f.bearer(client, world["parent"]), json=ok).get_json()
    other = f.bearer(client, world["other_parent"])
    assert client.get(url(world), headers=other).status_code == 404
    assert client.post(url(world), headers=other, json=ok).status_code == 404
    assert client.post(f"{url(world)}/{mine['id']}/withdraw", headers=other).status_code == 404
    assert client.post(f"{url(world, 'kid2')}/{mine['id']}/withdraw",
                       headers=other).status_code == 404
    far_staff = f.bearer(client, world["other_staff"])
    assert client.get(url(world), headers=far_staff).status_code == 404
    staff = f.bearer(client, world["director"])
    assert client.post(url(world), headers=staff, json=ok).status_code == 403
    regulator = f.bearer(client, world["regulator"])
    assert client.get(url(world), headers=regulator).status_code == 403
    finance = f.user("staff", centre_id=world["centre"].id, staff_role="finance")
    assert client.get(url(world), headers=f.bearer(client, finance)).status_code == 403
