import re

from booking.regulator.models import Filing
from tests import factories as f


def login(client, user):
    client.post("/login", data={"login": user.email, "password": f.PASSWORD})


def test_dashboard_matches_api(client):
    d = f.district(population=100_000, target=4.5)
    f.slot(f.centre(d), capacity=300)
    reg = f.user("regulator")
    api = client.get("/api/v1/regulator/coverage", headers=f.bearer(client, reg)).get_json()
    login(client, reg)
    page = client.get("/regulator").get_data(as_text=True)
    row = next(r for r in api if r["district"] == d.code)
    assert row["places_per_1000"] == 3.0
    assert "3.0 / 4.5" in page and "未达标" in page
    csv = client.get("/regulator/coverage.csv")
    assert csv.data.startswith("\ufeff".encode()) and d.code.encode() in csv.data


def test_regulator_pages_need_the_role(client):
    assert client.get("/regulator").status_code == 302
    login(client, f.user())
    assert client.get("/regulator").status_code == 403
    assert client.get("/regulator/filings").status_code == 403


def test_review_page_returns_with_reasons(client, db):
    c = f.centre(approved=False)
    c.filing.status = "submitted"
    db.session.commit()
    login(client, f.user("regulator"))
    resp = client.post(f"/regulator/filings/{c.filing.id}", data={"action": "return", "reasons": ""})
    assert resp.status_code == 422 and "请说明理由" in resp.get_data(as_text=True)
    resp = client.post(f"/regulator/filings/{c.filing.id}", data={"action": "return",
                                                                  "reasons": "缺消防验收"})
    assert resp.status_code == 302
    assert db.session.get(Filing, c.filing.id).status == "returned"


def test_registry_open_data_escapes_formulas(client):
    c = f.centre(name="=HYPERLINK(\"x\")")
    f.slot(c, capacity=4)
    data = client.get("/registry.json").get_json()
    assert any(i["id"] == c.id and i["places_total"] == 4 for i in data["items"])
    text = client.get("/registry.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "=HYPERLINK(" in client.get("/registry").get_data(as_text=True)


def test_audit_search_by_centre_and_action(client):
    c = f.centre()
    f.slot(c)
    login(client, f.user("regulator"))
    rows = client.get(f"/regulator/audit?centre={c.id}&action=slot.").get_data(
        as_text=True).split("<tbody>")[1]  # the table, not the action picker
    assert "发布托位" in rows and "新增机构" not in rows
    rows = client.get(f"/regulator/audit?centre={c.id}&action=centre.created").get_data(
        as_text=True).split("<tbody>")[1]
    assert "新增机构" in rows and "发布托位" not in rows
    assert client.get("/regulator/audit?from=2026-02-30").status_code == 200


def test_dashboard_city_table_matches_api(client, db):
    a = f.district(city="西安", population=100_000, target=4.5)
    b = f.district(city="西安", population=400_000, target=5.0)
    f.slot(f.centre(a), capacity=15)
    f.slot(f.centre(b), capacity=35)
    reg = f.user("regulator", city="西安")
    api = client.get("/api/v1/regulator/coverage/cities",
                     headers=f.bearer(client, reg)).get_json()
    assert [(r["city"], r["population"], r["places"], r["places_per_1000"],
             r["target_per_1000"]) for r in api] == [("西安", 500_000, 50, 0.1, 5.0)]
    login(client, reg)
    page = client.get("/regulator").get_data(as_text=True)
    cells = re.sub(r' data-label="[^"]*"', "", page)  # each city a card on a phone
    assert ('<td class="lead-cell">西安</td><td class="num">500,000</td><td class="num">50</td>'
            '<td class="num">0.1</td><td class="num">5.0</td><td class="num">0</td>') in cells
    assert 'class="table stack"' in page and 'data-label="候补儿童"' in page


def test_the_decision_offers_what_the_state_allows_and_confirms_a_closure(client, db):
    from booking.reservations import services as reservations
    from booking.reservations.models import Reservation
    c = f.centre()  # approved
    s = f.slot(c, capacity=4)
    families = []
    for _ in range(2):
        p = f.user()
        families.append(reservations.place_hold(slot_id=s.id, child_id=f.child(p).id, parent=p))
    login(client, f.user("regulator"))
    page = client.get(f"/regulator/filings/{c.filing.id}").get_data(as_text=True)
    assert 'value="suspend"' in page and 'value="close"' in page
    assert 'value="approve"' not in page and 'value="return"' not in page  # not for approved
    assert "2 个家庭的托位" in page and "2 个保留中的预约" in page
    url = f"/regulator/filings/{c.filing.id}"
    refused = client.post(url, data={"action": "close", "reasons": "无证经营"})
    assert refused.status_code == 422 and "请勾选确认" in refused.get_data(as_text=True)
    not_offered = client.post(url, data={"action": "approve", "understood": "y"})
    assert not_offered.status_code == 422
    db.session.expire_all()
    assert db.session.get(Filing, c.filing.id).status == "approved"
    assert {db.session.get(Reservation, r.id).status for r in families} == {"held"}
    done = client.post(url, data={"action": "close", "reasons": "无证经营", "understood": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Filing, c.filing.id).status == "closed"
    assert {db.session.get(Reservation, r.id).status for r in families} == {"cancelled"}
    closed = client.get(url).get_data(as_text=True)
    assert "没有可执行的处理" in closed and 'name="action"' not in closed
