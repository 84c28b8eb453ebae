"""The centre's subsidy pages: the list with the generate form, a claim, the submit button,
the receivables; other centres' staff find nothing (404), parents are refused (403)."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from booking.extensions import db
from booking.subsidies import claims
from booking.subsidies.models import SubsidyClaim
from tests import factories as f
from tests.subsidies.conftest import OCT, enrol


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


def test_the_director_generates_reads_and_submits(client, city_world):
    w = city_world("白银")
    kid, _r = enrol(w, name="张小明")
    login(client, w.director)
    page = client.get("/staff/subsidies")
    assert page.status_code == 200 and 'value="2026-10"' in text(page)
    assert "/staff/subsidies" in text(client.get("/"))   # in the menu
    resp = client.post("/staff/subsidies", data={"month": OCT})
    assert resp.status_code == 302
    claim = db.session.scalar(select(SubsidyClaim))
    page = text(client.get(f"/staff/subsidies/{claim.id}"))
    assert '<span translate="no">张小明</span>' in page and '<td class="num">¥200</td>' in page
    assert "提交区卫健委审核" in page and "运营补贴每名普惠托位在托儿童每月 ¥200" in page
    assert client.post(f"/staff/subsidies/{claim.id}/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(SubsidyClaim, claim.id).status == "submitted"
    # submitted: regenerating is refused on the page, nothing changes
    resp = client.post("/staff/subsidies", data={"month": OCT})
    assert resp.status_code == 409 and "不能重新生成" in text(resp)
    assert client.post(f"/staff/subsidies/{claim.id}/submit").status_code == 409


def test_this_month_is_refused_on_the_page(client, city_world):
    w = city_world("白银")
    login(client, w.finance)
    resp = client.post("/staff/subsidies", data={"month": "2026-11"})
    assert resp.status_code == 422 and "已结束" in text(resp)
    resp = client.post("/staff/subsidies", data={"month": "11/2026"})
    assert resp.status_code == 422
    assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 0


def test_finance_reads_but_cannot_submit(client, city_world):
    w = city_world("白银")
    claim, _ = claims.generate(w.centre.id, OCT)
    login(client, w.finance)
    page = client.get(f"/staff/subsidies/{claim.id}")
    assert page.status_code == 200 and "提交区卫健委审核" not in text(page)
    assert client.post(f"/staff/subsidies/{claim.id}/submit").status_code == 403
    assert db.session.get(SubsidyClaim, claim.id).status == "draft"


def test_a_returned_claim_shows_its_reason(client, city_world):
    w = city_world("白银")
    claim, _ = claims.generate(w.centre.id, OCT)
    claim.status, claim.decision_reason = "returned", "请补充考勤记录"
    db.session.commit()
    login(client, w.director)
    page = text(client.get(f"/staff/subsidies/{claim.id}"))
    assert "请补充考勤记录" in page and "提交区卫健委审核" in page


def test_other_centres_and_parents(client, city_world):
    w = city_world("白银")
    claim, _ = claims.generate(w.centre.id, OCT)
    other = f.user("staff", centre_id=f.centre(w.district).id, staff_role="director")
    login(client, other)
    assert client.get(f"/staff/subsidies/{claim.id}").status_code == 404
    assert client.post(f"/staff/subsidies/{claim.id}/submit").status_code == 404
    assert claim.id not in [c.id for c in claims.of_centre(other.centre_id)]
    client.post("/logout")
    login(client, w.parent)
    assert client.get("/staff/subsidies").status_code == 403
    assert client.get(f"/staff/subsidies/{claim.id}").status_code == 403
    assert client.get("/staff/subsidies/receivables").status_code == 403
    client.post("/logout")
    login(client, w.carer)
    assert client.get("/staff/subsidies").status_code == 403
    assert db.session.get(SubsidyClaim, claim.id).status == "draft"


def test_receivables_page(client, city_world):
    w = city_world("白银")
    for month, fen in (("2026-08", 20000), ("2026-09", 18000)):
        db.session.add(SubsidyClaim(centre_id=w.centre.id, month=month, status="approved",
                                    operating_fen=fen, total_fen=fen, approved_fen=fen,
                                    decided_at=datetime(2026, 10, 5, 2, tzinfo=timezone.utc)))
    db.session.commit()
    login(client, w.finance)
    page = text(client.get("/staff/subsidies/receivables"))
    assert "2026-08" in page and "2026-10-05" in page
    assert "¥380" in page


def test_the_directors_home_lists_claims_to_submit(client, city_world):
    w = city_world("白银")
    claim, _ = claims.generate(w.centre.id, OCT)
    login(client, w.director)
    home = text(client.get("/home"))
    assert f"/staff/subsidies/{claim.id}" in home and 'id="h-claims"' in home
    claims.submit(claim.id, w.director)
    assert 'id="h-claims"' not in text(client.get("/home"))
