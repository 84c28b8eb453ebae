"""/api/v1: statements, fees, the centre ledger, payments and refunds paid."""
from datetime import date

from booking.fees import balances
from booking.fees import services as fees
from booking.reservations import leaving
from tests import factories as f
from tests.fees.conftest import enrol, sibling

PROBLEM = "https://tuowei.example/problems/"


def test_payment_201_then_prepaid_limit_409(client, world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    h = f.bearer(client, world.staff)
    url = f"/api/v1/centres/{world.centre.id}/payments"
    ok = client.post(url, json={"parent_id": p.id, "amount_fen": 540000, "method": "微信",
                                "received_on": "2026-11-22"}, headers=h)
    assert ok.status_code == 201
    body = ok.get_json()
    assert (body["kind"], body["amount_fen"], body["signed_fen"], body["on_date"]) == \
        ("payment", 540000, 540000, "2026-11-22")
    over = client.post(url, json={"parent_id": p.id, "amount_fen": 1}, headers=h)
    assert over.status_code == 409 and over.content_type == "application/problem+json"
    assert over.get_json()["type"] == PROBLEM + "prepaid-limit"
    assert over.get_json()["max_amount_fen"] == 0


def test_payment_bad_input(client, world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    h = f.bearer(client, world.staff)
    url = f"/api/v1/centres/{world.centre.id}/payments"
    for payload in ({"parent_id": p.id, "amount_fen": "100"}, {"parent_id": p.id, "amount_fen": 0},
                    {"parent_id": p.id, "amount_fen": 1.5}, {"amount_fen": 5},
                    {"parent_id": p.id, "amount_fen": 10**12},
                    {"parent_id": p.id, "amount_fen": 5, "received_on": "2026-13-01"},
                    {"parent_id": p.id, "amount_fen": 5, "received_on": "2026-12-01"}):
        resp = client.post(url, json=payload, headers=h)
        assert resp.status_code == 422, payload
        assert resp.get_json()["type"] == PROBLEM + "validation"
    assert client.post(url, data="{", headers=dict(h, **{"Content-Type": "application/json"})).status_code == 400
    assert fees.balance_fen(world.centre.id, p.id) == 0


def test_staff_of_another_centre_and_parents_are_refused(client, world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    other = f.user("staff", centre_id=f.centre().id)
    h = f.bearer(client, other)
    assert client.post(f"/api/v1/centres/{world.centre.id}/payments",
                       json={"parent_id": p.id, "amount_fen": 5}, headers=h).status_code == 404
    assert client.get(f"/api/v1/centres/{world.centre.id}/ledger", headers=h).status_code == 404
    hp = f.bearer(client, p)
    resp = client.get(f"/api/v1/centres/{world.centre.id}/ledger", headers=hp)
    assert resp.status_code == 403 and resp.get_json()["type"] == PROBLEM + "forbidden"
    assert client.get(f"/api/v1/centres/{world.centre.id}/ledger").status_code == 401
    assert client.get("/api/v1/centres/999999/ledger",
                      headers=f.bearer(client, world.staff)).status_code == 404


def test_ledger_list_and_family_filter(client, world):
    a, b = world.parent, f.user("parent")
    enrol(world.slot, a, sibling(a, date(2025, 3, 1)))
    enrol(world.slot, b, sibling(b, date(2025, 3, 1)))
    fees.record_payment(world.centre.id, a.id, 1000, world.staff)
    fees.record_payment(world.centre.id, b.id, 2000, world.staff)
    fees.post_monthly_charges()
    h = f.bearer(client, world.staff)
    all_ = client.get(f"/api/v1/centres/{world.centre.id}/ledger", headers=h).get_json()
    assert all_["total"] == 4 and all_["balance_fen"] is None
    mine = client.get(f"/api/v1/centres/{world.centre.id}/ledger?parent_id={a.id}",
                      headers=h).get_json()
    assert [(e["kind"], e["signed_fen"]) for e in mine["items"]] == [("charge", -180000),
                                                                     ("payment", 1000)]
    assert mine["balance_fen"] == -179000
    assert client.get(f"/api/v1/centres/{world.centre.id}/ledger?parent_id=x",
                      headers=h).status_code == 422


def test_statement_is_the_parents_own(client, world):
    p = world.parent
    sibling(p, date(2024, 1, 1))
    r = enrol(world.slot, p, sibling(p, date(2025, 6, 1)))
    fees.record_payment(world.centre.id, p.id, 486000, world.staff)
    fees.post_monthly_charges()
    h = f.bearer(client, p)
    s = client.get("/api/v1/statements/2026-11", headers=h).get_json()
    line = s["enrolments"][0]
    assert (line["reservation_id"], line["base_fee_fen"], line["reduction_pct"],
            line["reduction_fen"], line["due_fen"], line["posted"]) == (r.id, 180000, 10, 18000, 162000, True)
    assert s["total_fen"] == 162000 and (s["prev"], s["next"]) == ("2026-10", "2026-12")
    assert s["balances"] == [{"centre_id": world.centre.id, "centre": world.centre.name,
                              "balance_fen": 324000, "refund_owed_fen": 0}]
    assert {e["kind"] for e in s["entries"]} == {"payment", "charge"}
    # another parent sees nothing of it
    other = client.get("/api/v1/statements/2026-11", headers=f.bearer(client, f.user("parent")))
    assert other.get_json()["enrolments"] == [] and other.get_json()["balances"] == []
    for bad in ("2026-13", "november", "2026-1"):
        resp = client.get(f"/api/v1/statements/{bad}", headers=h)
        assert resp.status_code == 422 and resp.get_json()["type"] == PROBLEM + "validation"
    assert client.get("/api/v1/statements/2026-11",
                      headers=f.bearer(client, world.staff)).status_code == 403


def test_fee_of_a_reservation(client, world):
    p = world.parent
    sibling(p, date(2023, 1, 1))
    sibling(p, date(2024, 1, 1))
    r = enrol(world.slot, p, sibling(p, date(2025, 6, 1)))
    body = client.get(f"/api/v1/reservations/{r.id}/fee", headers=f.bearer(client, p)).get_json()
    assert body == {"reservation_id": r.id, "base_fee_fen": 180000, "birth_order": 3,
                    "reduction_pct": 20, "reduction_fen": 36000, "monthly_fee_fen": 144000}
    assert client.get(f"/api/v1/reservations/{r.id}/fee",
                      headers=f.bearer(client, f.user("parent"))).status_code == 404
    assert client.get(f"/api/v1/reservations/{r.id}/fee",
                      headers=f.bearer(client, world.staff)).status_code == 200


def test_refund_paid_once(client, world):
    p = world.parent
    r = enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.record_payment(world.centre.id, p.id, 100000, world.staff)
    leaving.end_care(r.id, p, date(2026, 11, 3), "搬家")   # 3/30 × 1,800 = 180
    due = balances.refunds_at(world.centre.id)[0]["due"]
    assert due.amount_fen == 82000
    h = f.bearer(client, world.staff)
    first = client.post(f"/api/v1/ledger/{due.id}/refund-paid", json={"method": "现金"}, headers=h)
    assert first.status_code == 201 and first.get_json()["settles_id"] == due.id
    again = client.post(f"/api/v1/ledger/{due.id}/refund-paid", json={}, headers=h)
    assert again.status_code == 409 and again.get_json()["type"] == PROBLEM + "conflict"
    payment_id = first.get_json()["id"]
    assert client.post(f"/api/v1/ledger/{payment_id}/refund-paid", json={},
                       headers=h).status_code == 404
    assert client.post(f"/api/v1/ledger/{due.id}/refund-paid", json={},
                       headers=f.bearer(client, p)).status_code == 403


def test_post_charges_api(client, world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    h = f.bearer(client, world.staff)
    url = f"/api/v1/centres/{world.centre.id}/charges"
    assert client.post(url, json={}, headers=h).get_json() == {"month": "2026-11", "posted": 1}
    assert client.post(url, json={"month": "2026-11"}, headers=h).get_json()["posted"] == 0
    assert client.post(url, json={"month": "2026-99"}, headers=h).status_code == 422


def test_openapi_lists_the_fee_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in (("/api/v1/statements/{month}", "get"),
                         ("/api/v1/reservations/{reservation_id}/fee", "get"),
                         ("/api/v1/centres/{centre_id}/ledger", "get"),
                         ("/api/v1/centres/{centre_id}/payments", "post"),
                         ("/api/v1/centres/{centre_id}/charges", "post"),
                         ("/api/v1/ledger/{entry_id}/refund-paid", "post")):
        assert method in paths[path], path
    assert "409" in paths["/api/v1/centres/{centre_id}/payments"]["post"]["responses"]
