"""The public search page, a centre's page and the districts page."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from booking.regulator.models import Filing
from booking.reservations.models import Reservation
from tests import factories as f
from tests.conftest import IS_PG, NOW


def page(client, url, status=200, **kw):
    resp = client.get(url, **kw)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    return resp.get_data(as_text=True)


@pytest.fixture
def world(db):
    xa = f.district(city="西安", name="雁塔区")
    by = f.district(city="白银", name="白银区")
    a = f.centre(xa, name="阳光托育中心", name_en="Sunshine Childcare", kind="public",
                 subdistrict="小寨路街道", star_rating=4)
    b = f.centre(by, name="彩虹社区托育点", kind="community_embedded", subdistrict="人民路街道",
                 affordable=True)
    f.slot(a, band="infant", category="public", capacity=3)
    f.slot(b, band="toddler", category="affordable", care_type="half_day", capacity=0)
    return {"a": a, "b": b, "xa": xa, "by": by}


def test_search_lists_approved_centres(client, world):
    f.centre(world["xa"], name="草稿托育中心", approved=False)
    html = page(client, "/centres")
    assert "阳光托育中心" in html and "彩虹社区托育点" in html
    assert "草稿托育中心" not in html
    assert "共找到 2 家机构" in html


@pytest.mark.parametrize("query, shown, hidden", [
    ({"city": "白银"}, "彩虹社区托育点", "阳光托育中心"),
    ({"subdistrict": "小寨路街道"}, "阳光托育中心", "彩虹社区托育点"),
    ({"age_band": "toddler"}, "彩虹社区托育点", "阳光托育中心"),
    ({"category": "public"}, "阳光托育中心", "彩虹社区托育点"),
    ({"care_type": "half_day"}, "彩虹社区托育点", "阳光托育中心"),
    ({"kind": "community_embedded"}, "彩虹社区托育点", "阳光托育中心"),
    ({"q": "阳光"}, "阳光托育中心", "彩虹社区托育点"),
    ({"q": "sunshine"}, "阳光托育中心", "彩虹社区托育点"),
    ({"has_places": "y"}, "阳光托育中心", "彩虹社区托育点"),
])
def test_each_filter(client, world, query, shown, hidden):
    html = page(client, "/centres", query_string=query)
    assert shown in html and hidden not in html
    assert "共找到 1 家机构" in html


def test_filter_by_district(client, world):
    html = page(client, "/centres", query_string={"district": world["xa"].code})
    assert "阳光托育中心" in html and "彩虹社区托育点" not in html


def test_percent_in_q_is_literal(client, world):
    html = page(client, "/centres", query_string={"q": "%"})
    assert "共找到 0 家机构" in html
    f.centre(world["xa"], name="100%满意托育")
    html = page(client, "/centres", query_string={"q": "%"})
    assert "100%满意托育" in html and "阳光托育中心" not in html


def test_lapsed_hold_frees_the_place_on_the_page(client, world, db):
    a = world["a"]
    slot = f.slot(a, band="toddler", capacity=1)
    parent = f.user()
    db.session.add(Reservation(slot_id=slot.id, child_id=f.child(parent).id,
                               parent_id=parent.id, status="held",
                               expires_at=NOW - timedelta(minutes=1)))
    db.session.commit()
    html = page(client, "/centres", query_string={"has_places": "y", "age_band": "toddler"})
    assert "阳光托育中心" in html


@pytest.mark.parametrize("query", [
    {"age_band": "bogus"}, {"kind": "castle"}, {"category": "vip"}, {"care_type": "night"},
    {"district": "999999"}, {"city": "火星"}, {"q": "托" * 101}, {"subdistrict": "街" * 61},
])
def test_bad_filters_answer_422_with_a_message(client, world, query):
    html = page(client, "/centres", 422, query_string=query)
    assert 'class="errors"' in html
    assert "共找到 0 家机构" in html


def test_odd_page_numbers_fall_back_to_the_first_page(client, world):
    for value in ("abc", "-1", "0", "99999999999"):
        assert "阳光托育中心" in page(client, "/centres", query_string={"page": value})


def test_nul_character_is_no_500(client, world):
    # PostgreSQL refuses NUL even in a query parameter (a DataError, answered 400 by
    # errors.py); SQLite searches for it and finds nothing.
    resp = client.get("/centres", query_string={"q": "a\x00b"})
    assert resp.status_code == (400 if IS_PG else 200)


def test_pagination(client, db):
    d = f.district()
    for i in range(23):
        f.centre(d, name=f"分页托育中心{i:02d}")
    first = page(client, "/centres")
    second = page(client, "/centres", query_string={"page": 2})
    assert "共找到 23 家机构" in first
    assert first.count("分页托育中心") == 20 and second.count("分页托育中心") == 3
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert "第 1 / 2 页" in first
    names = {f"分页托育中心{i:02d}" for i in range(23)}
    assert {n for n in names if n in first} | {n for n in names if n in second} == names


def test_centre_page_shows_the_disclosure(client, world):
    html = page(client, f"/centres/{world['a'].id}")
    assert "阳光托育中心" in html
    assert world["a"].filing.filing_number in html


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_unapproved_centre_page_is_404(client, db, world, status):
    c = f.centre(world["xa"], name="未备案托育中心", approved=False)
    db.session.execute(update(Filing).where(Filing.centre_id == c.id).values(status=status))
    db.session.commit()
    assert client.get(f"/centres/{c.id}").status_code == 404
    assert client.get(f"/api/v1/centres/{c.id}").status_code == 404
    assert client.get(f"/api/v1/centres/{c.id}/slots").status_code == 404


def test_unknown_centre_page_is_404(client, world):
    assert client.get("/centres/999999").status_code == 404


def test_districts_page(client, world):
    html = page(client, "/districts")
    assert "雁塔区" in html and "白银区" in html
