"""Two districts of Xi'an, a centre in each (and a second in the first), their directors and
regulators, a city regulator, an admin and a parent; submitted claims written directly as
model rows (the claims area generates them; here only their review matters)."""
import pytest

from booking.extensions import db as _db
from booking.subsidies.models import SubsidyClaim, SubsidyClaimLine
from tests import factories as f


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def text(resp) -> str:
    return resp.get_data(as_text=True)


def make_claim(centre, month="2026-10", *, status="submitted", lines=(), operating=0,
               reward=0, construction=0, places=0, approved=None):
    """A claim with its lines: each line a dict of SubsidyClaimLine fields (child_id
    required); the claim's operating amount defaults to the sum of its lines'."""
    operating = operating or sum(ln.get("operating_fen", 0) for ln in lines)
    claim = SubsidyClaim(centre_id=centre.id, month=month, status=status,
                         operating_fen=operating, sibling_reward_fen=reward,
                         construction_fen=construction, construction_places=places,
                         total_fen=operating + reward + construction,
                         approved_fen=approved if status == "approved" else None,
                         decision_reason="理由" if status in ("returned", "rejected") else None)
    _db.session.add(claim)
    _db.session.flush()
    for ln in lines:
        ln = dict(ln)
        ln.setdefault("days_enrolled", 22)
        ln.setdefault("days_attended", 20)
        ln.setdefault("open_days", 22)
        _db.session.add(SubsidyClaimLine(claim_id=claim.id, centre_id=centre.id, month=month,
                                         **ln))
    _db.session.commit()
    return claim


@pytest.fixture
def world(app, db):
    d = f.district(city="西安", name="雁塔区")
    other_d = f.district(city="西安", name="碑林区")
    c = f.centre(d, name="阳光托育")
    c2 = f.centre(d, name="彩虹托育")
    other = f.centre(other_d, name="别家托育")
    parent = f.user(name="王妈妈")
    kids = [f.child(parent, name=n) for n in ("小明", "小红", "小刚")]
    return {
        "district": d, "other_district": other_d, "centre": c, "centre2": c2, "other": other,
        "kids": kids, "parent": parent,
        "slot": f.slot(c, capacity=2),
        "director": f.user("staff", centre_id=c.id, staff_role="director"),
        "regulator": f.user("regulator", district_id=d.id),
        "regulator2": f.user("regulator", district_id=d.id),
        "city_regulator": f.user("regulator", city="西安"),
        "far_regulator": f.user("regulator", district_id=other_d.id),
        "admin": f.user("admin"),
    }


@pytest.fixture
def clean_claim(world):
    """A submitted claim for October with two children who attended: no anomaly."""
    k = world["kids"]
    return make_claim(world["centre"], lines=[
        {"child_id": k[0].id, "slot_id": world["slot"].id, "operating_fen": 50000},
        {"child_id": k[1].id, "slot_id": world["slot"].id, "operating_fen": 50000}],
        reward=3000)
