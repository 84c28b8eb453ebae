"""The fee pages: a parent's statement, the centre's payments and refunds, the regulator's
closure report."""
from datetime import date

from sqlalchemy import select

from booking.fees import balances
from booking.fees import services as fees
from booking.fees.models import LedgerEntry
from booking.regulator import filing
from tests import factories as f
from tests.fees.conftest import enrol, sibling


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def test_parent_sees_statement_with_reduction_and_balance(client, world):
    p = world.parent
    sibling(p, date(2024, 1, 1), name="大宝")
    enrol(world.slot, p, sibling(p, date(2025, 6, 1), name="二宝"))
    fees.record_payment(world.centre.id, p.id, 486000, world.staff, method="微信")
    fees.post_monthly_charges()
    login(client, p)
    page = client.get("/fees").get_data(as_text=True)
    assert "2026-11" in page and "二宝" in page
    assert "¥1,800" in page and "−¥180" in page and "¥1,620" in page   # 10 % second child
    assert 'data-testid="balance">¥3,240<' in page                     # 4,860 − 1,620
    assert "微信" in page
    other = client.get("/fees?month=2026-10").get_data(as_text=True)
    assert "二宝" in other and "尚未记账" in other                       # October not posted
    assert client.get("/fees?month=garbage").status_code == 200           # falls back to now
    assert 'href="/fees"' in page                                          # nav link


def test_staff_records_payment_and_is_refused_over_the_limit(client, world):
    p = world.parent
    enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    login(client, world.staff)
    page = client.get("/staff/fees")
    assert page.status_code == 200 and p.name in page.get_data(as_text=True)
    ok = client.post("/staff/fees", data={"parent_id": p.id, "amount": "5000",
                                          "method": "现金", "received_on": "2026-11-20"})
    assert ok.status_code == 302
    over = client.post("/staff/fees", data={"parent_id": p.id, "amount": "400.01"})
    body = over.get_data(as_text=True)
    assert over.status_code == 422 and "最多可收 400.00 元" in body and 'value="400.01"' in body
    bad = client.post("/staff/fees", data={"parent_id": "x", "amount": "abc"})
    assert bad.status_code == 422
    stranger = client.post("/staff/fees", data={"parent_id": f.user("parent").id, "amount": "1"})
    assert stranger.status_code == 422
    assert fees.balance_fen(world.centre.id, p.id) == 500000


def test_staff_posts_charges_and_marks_a_refund_paid(client, world):
    from booking.reservations import leaving
    p = world.parent
    r = enrol(world.slot, p, sibling(p, date(2025, 3, 1)))
    fees.record_payment(world.centre.id, p.id, 540000, world.staff)
    login(client, world.staff)
    client.post("/staff/fees/charges")
    client.post("/staff/fees/charges")
    assert fees.balance_fen(world.centre.id, p.id) == 360000
    leaving.end_care(r.id, world.staff, date(2026, 11, 30), "搬家")
    due = f.db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "refund_due"))
    assert due.amount_fen == 360000
    assert "标记已退" in client.get("/staff/fees").get_data(as_text=True)
    assert client.post(f"/staff/fees/refunds/{due.id}/paid", data={"method": "银行转账"}).status_code == 302
    assert fees.refund_owed_fen(world.centre.id, p.id) == 0
    # another centre's staff cannot touch it
    other = f.user("staff", centre_id=f.centre().id)
    client.post("/logout")
    login(client, other)
    assert client.post(f"/staff/fees/refunds/{due.id}/paid").status_code == 404
    assert p.name not in client.get("/staff/fees").get_data(as_text=True)


def test_pages_by_role(client, world):
    login(client, world.parent)
    assert client.get("/staff/fees").status_code == 403
    client.post("/logout")
    login(client, world.staff)
    assert client.get("/fees").status_code == 403


def test_closure_turns_every_balance_into_a_refund_in_the_report(client, world, db):
    a, b, c = world.parent, f.user("parent"), f.user("parent")
    enrol(world.slot, a, sibling(a, date(2025, 3, 1)))
    enrol(world.slot, b, sibling(b, date(2025, 4, 1)))
    enrol(world.slot, c, sibling(c, date(2025, 5, 1)))
    fees.record_payment(world.centre.id, a.id, 540000, world.staff)
    fees.record_payment(world.centre.id, b.id, 100000, world.staff)
    fees.post_monthly_charges()                       # each −1,800; c is in arrears
    regulator = f.user("regulator")
    filing.decide(world.centre.filing.id, regulator, "close", "消防隐患")
    # closed on 23 November at 10:00: care to the 22nd = 22/30 × 1,800 = 1,320; credit 480
    # a: 5,400 − 1,800 + 480 = 4,080 owed back; b: 1,000 − 1,320 = −320, nothing owed;
    # c: in arrears, nothing owed.
    refunds = {r["due"].parent_id: r["due"].amount_fen for r in balances.refunds_at(world.centre.id)}
    assert refunds == {a.id: 408000}
    assert [fees.balance_fen(world.centre.id, x.id) for x in (a, b, c)] == [0, -32000, -132000]
    login(client, regulator)
    page = client.get(f"/regulator/filings/{world.centre.filing.id}").get_data(as_text=True)
    assert "预收费退款" in page and a.name in page and "¥4,080" in page and "未退" in page
    fees.mark_refund_paid(balances.refunds_at(world.centre.id)[0]["due"].id, world.staff)
    page = client.get(f"/regulator/filings/{world.centre.filing.id}").get_data(as_text=True)
    assert "未退" not in page and "已退" in page
