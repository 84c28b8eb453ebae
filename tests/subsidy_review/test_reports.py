"""Approved subsidies per district and month and per centre, against hand-summed figures;
the chart; Chinese-headed downloads; the prepaid liability from a ledger built here."""
import csv
import io
from datetime import date

from openpyxl import load_workbook

from booking.extensions import db
from booking.fees.models import LedgerEntry
from booking.subsidies import reports
from tests import factories as f
from tests.subsidy_review.conftest import login, make_claim, text


def _approved(world):
    make_claim(world["centre"], "2026-09", status="approved", approved=120000, operating=150000)
    make_claim(world["centre"], "2026-10", status="approved", approved=80050, operating=90000)
    make_claim(world["centre2"], "2026-10", status="approved", approved=30000, operating=30000)
    make_claim(world["other"], "2026-10", status="approved", approved=99900, operating=99900)
    make_claim(world["centre2"], "2026-09", status="submitted", operating=55500)  # not counted
    make_claim(world["centre2"], "2026-11", status="rejected", operating=1000)


def test_per_district_and_month_in_scope(world):
    _approved(world)
    rows = reports.by_district(world["regulator"])
    assert [(r["district"], r["month"], r["claims"], r["approved_fen"]) for r in rows] == [
        ("雁塔区", "2026-09", 1, 120000), ("雁塔区", "2026-10", 2, 110050)]  # 80050 + 30000
    city = reports.by_district(world["city_regulator"], "2026-10", "2026-10")
    assert sorted((r["district"], r["approved_fen"]) for r in city) == [
        ("碑林区", 99900), ("雁塔区", 110050)]
    assert reports.per_month(reports.by_district(world["city_regulator"])) == [
        ("2026-09", 120000), ("2026-10", 209950)]
    assert reports.by_district(world["director"]) == []


def test_per_centre(world):
    _approved(world)
    rows = reports.by_centre(world["regulator"])
    assert sorted((r["centre"], r["claims"], r["approved_fen"]) for r in rows) == [
        ("彩虹托育", 1, 30000), ("阳光托育", 2, 200050)]  # 120000 + 80050


def test_report_page_with_chart_and_downloads(client, world):
    _approved(world)
    login(client, world["regulator"])
    page = text(client.get("/regulator/subsidies/report?from=2026-01&to=2026-12"))
    assert "<svg" in page and "<title" in page and "2026-10" in page
    assert "1,100.50" in page or "1,100.5" in page        # the October bar's label
    assert "¥2,000.50" in page                            # 阳光托育 over both months
    resp = client.get("/regulator/subsidies/report.csv?group=district&from=2026-01&to=2026-12")
    assert resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert rows[0] == reports.DISTRICT_HEADER and rows[0][-1] == "核准金额（元）"
    assert rows[2][1:] == ["雁塔区", world["district"].code, "2026-10", "2", "1100.5"]
    resp = client.get("/regulator/subsidies/report.xlsx?group=centre&from=2026-01&to=2026-12")
    sheet = load_workbook(io.BytesIO(resp.get_data())).active
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert cells[0] == reports.CENTRE_HEADER and cells[0][2] == "机构"
    assert {r[2]: r[5] for r in cells[1:]} == {"彩虹托育": 300, "阳光托育": 2000.5}
    assert client.get("/regulator/subsidies/report.pdf").status_code == 404
    assert client.get("/regulator/subsidies/report.csv?group=centre&from=2030-01"
                      ).get_data().decode("utf-8-sig").strip() == ",".join(reports.CENTRE_HEADER)


def test_an_empty_chart_says_so(world):
    svg = str(reports.svg_chart([], "标题", "没有数据"))
    assert svg.startswith("<svg") and "<title" in svg and "没有数据" in svg


def _entry(centre, parent, kind, amount, **kw):
    e = LedgerEntry(centre_id=centre.id, parent_id=parent.id, kind=kind, amount_fen=amount, **kw)
    db.session.add(e)
    db.session.flush()
    return e


def test_prepaid_liability_from_the_ledger(client, world):
    c, slot = world["centre"], world["slot"]
    a, b, z = f.user(), f.user(), f.user()
    kid = f.child(a)
    from booking.reservations.models import Reservation
    r = Reservation(slot_id=slot.id, child_id=kid.id, parent_id=a.id, status="enrolled")
    db.session.add(r)
    db.session.flush()
    _entry(c, a, "payment", 300000, on_date=date(2026, 10, 1))          # a: 3000 − 1000 = 2000
    _entry(c, a, "charge", 100000, month="2026-11", reservation_id=r.id)
    _entry(c, b, "payment", 50000, on_date=date(2026, 10, 1))             # b: 500 − 500 = 0,
    due = _entry(c, b, "refund_due", 50000)                             # owed 500, 200 paid
    _entry(c, b, "refund_paid", 20000, settles_id=due.id)
    _entry(c, z, "charge", 100000, month="2026-10", reservation_id=r.id)  # z: −1000, not owed
    _entry(world["other"], a, "payment", 77700)                         # another centre's
    db.session.commit()
    assert reports.prepaid_liability(c.id) == {
        "centre_id": c.id, "prepaid_fen": 200000, "refunds_owed_fen": 30000,
        "total_fen": 230000, "families": 2}
    login(client, world["regulator"])
    filing_id = c.filing.id
    page = text(client.get(f"/regulator/filings/{filing_id}"))
    assert "预收费负债" in page and "¥2,300" in page
