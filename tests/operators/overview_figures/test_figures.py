"""The 运营负责人's overview: this month's fees, the latest claims and today's ratio gaps per
centre (docs/operators.md), in a fixed number of statements whatever the centres."""
from datetime import date, datetime, time

import pytest
from sqlalchemy import event

from booking.clock import LOCAL, now
from booking.extensions import db
from booking.fees.models import LedgerEntry
from booking.operators import figures, managers
from booking.reservations.models import Reservation
from booking.rosters import services as rosters
from booking.subsidies.models import SubsidyClaim
from tests import factories as f

MONDAY = date(2026, 11, 23)  # tests/conftest.py: NOW is 10:00 on this Monday in Shanghai


def enrol(group, n):
    slot = f.slot(group.centre, band=group.age_band, capacity=max(n, 1), group_id=group.id,
                  starts_on=date(2026, 9, 1))
    parent = f.user("parent")
    out = []
    for _ in range(n):
        kid = f.child(parent, birth_date=date(2025, 3, 1))
        r = Reservation(slot_id=slot.id, child_id=kid.id, parent_id=parent.id,
                        status="enrolled", enrolled_at=now())
        db.session.add(r)
        out.append(r)
    db.session.commit()
    return parent, out


def carer_on_shift(group, hh_from, hh_to):
    s = rosters.create_staff(group.centre_id, name=f"保育员{next(f._seq)}",
                             role="childcare_worker", health_cert_expires_on=date(2027, 6, 30))
    rosters.add_shift(group.centre_id, staff_member_id=s.id, group_id=group.id,
                      starts_at=datetime.combine(MONDAY, time(*hh_from), tzinfo=LOCAL),
                      ends_at=datetime.combine(MONDAY, time(*hh_to), tzinfo=LOCAL))
    return s


def claim(centre, month, status, total, approved=None):
    c = SubsidyClaim(centre_id=centre.id, month=month, status=status, operating_fen=total,
                     total_fen=total, approved_fen=approved,
                     decision_reason="理由" if status in ("returned", "rejected") else None)
    db.session.add(c)
    db.session.commit()


def network(n):
    d = f.district()
    centres = [f.centre(d, name=f"园{i}", opening_hours="07:30-18:00", open_days="Mon-Fri")
               for i in range(n)]
    op = f.operator(d, centres=centres)
    boss = managers.appoint(f.user("admin"), op.id, name="王经理",
                            email=f"ops{next(f._seq)}@example.com", password=f.PASSWORD).user
    return centres, boss


@pytest.fixture
def world(app):
    (a, b), boss = network(2)
    ga = f.group(a, "toddler", name="托小一班")
    parent, res = enrol(ga, 12)  # 12 toddlers at 1:5 need 3 carers; one on shift: 2 missing
    carer_on_shift(ga, (7, 30), (12, 0))  # one carer in every hour of 07:30–18:00
    carer_on_shift(ga, (12, 0), (18, 0))
    f.group(b, "toddler", name="托小二班")  # no children: no gap
    month = "2026-11"
    for kind, amount, m, on in (("charge", 300000, month, None), ("credit", 20000, month, None),
                                ("charge", 99999, "2026-10", None),
                                ("payment", 150000, None, date(2026, 11, 5)),
                                ("payment", 7000, None, date(2026, 10, 30))):
        db.session.add(LedgerEntry(centre_id=a.id, parent_id=parent.id, kind=kind,
                                   amount_fen=amount, month=m, on_date=on,
                                   reservation_id=res[0].id if m else None,
                                   child_id=res[0].child_id))
    db.session.commit()
    claim(a, "2026-10", "approved", 500000, approved=480000)
    claim(b, "2026-10", "submitted", 200000)
    claim(a, "2026-09", "rejected", 100)
    return dict(a=a, b=b, boss=boss)


def test_figures_per_centre(world):
    _op, rows = managers.overview(world["boss"])
    by = {r["centre"].name: r for r in rows}
    a, b = by["园0"], by["园1"]
    assert (a["billed_fen"], a["collected_fen"]) == (280000, 150000)
    assert (b["billed_fen"], b["collected_fen"]) == (0, 0)
    assert a["claims_month"] == "2026-10"
    assert (a["claim_status"], a["claim_fen"]) == ("approved", 480000)
    assert (b["claim_status"], b["claim_fen"]) == ("submitted", 200000)
    assert a["open"] and (a["classes_short"], a["carers_missing"]) == (1, 2)
    assert (b["classes_short"], b["carers_missing"]) == (0, 0)
    total = figures.summary(rows)
    statuses = {s["status"]: s for s in total["claims_by_status"]}
    assert statuses["approved"] == {"status": "approved", "count": 1, "amount_fen": 480000}
    assert statuses["submitted"]["count"] == 1 and statuses["rejected"]["count"] == 0
    assert total["classes_short"] == 1 and total["carers_missing"] == 2


def test_ratio_figures_match_the_roster_check(world):
    from booking.rosters.checks import check_day
    day = check_day(world["a"], MONDAY)
    _op, rows = managers.overview(world["boss"])
    a = next(r for r in rows if r["centre"].id == world["a"].id)
    assert a["ratio_gaps"] == day.gap_count
    assert a["carers_missing"] == max(h.missing for h in day.classes[0].hours)


def test_page_csv_xlsx_and_api(world, client):
    assert client.post("/login", data={"login": world["boss"].email,
                                       "password": f.PASSWORD}).status_code == 302
    page = client.get("/operator").get_data(as_text=True)
    assert "本月应收" in page and "¥2,800" in page and "¥1,500" in page
    assert "已核准" in page and "¥4,800" in page and "共缺 2 名保育人员" in page
    csv = client.get("/operator.csv").get_data(as_text=True)
    assert "本月应收（元）" in csv and "2800.00" in csv and "2026-10" in csv
    assert client.get("/operator.xlsx").data[:2] == b"PK"
    body = client.get("/api/v1/operator/overview",
                      headers=f.bearer(client, world["boss"])).get_json()
    assert body["fees_month"] == "2026-11" and body["claims_month"] == "2026-10"
    assert body["billed_fen"] == 280000 and body["carers_missing"] == 2
    a = next(c for c in body["centres"] if c["centre_id"] == world["a"].id)
    assert a["claim_status"] == "approved" and a["classes_short"] == 1 and a["open_today"]
    assert {"places", "enrolled", "holds", "waiting"} <= set(a)


def test_no_claims_no_money(app):
    (c,), boss = network(1)
    _op, rows = managers.overview(boss)
    assert rows[0]["claim_status"] is None and rows[0]["claims_month"] is None
    assert rows[0]["billed_fen"] == 0 and rows[0]["classes_short"] == 0


def _statements(boss):
    seen = []

    def watch(*args):
        seen.append(args[2])
    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        managers.overview(boss)
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    return len(seen)


def _populate(centres):
    for c in centres:
        g = f.group(c, "toddler")
        enrol(g, 6)
        carer_on_shift(g, (8, 0), (12, 0))
        claim(c, "2026-10", "submitted", 1000)


def test_statements_do_not_grow_with_the_centres(app):
    one, boss1 = network(1)
    five, boss5 = network(5)
    _populate(one)
    _populate(five)
    assert _statements(boss1) == _statements(boss5)
