"""The regulator's audit log in people's words (issue 17, part 7): names and roles, action
labels, the record's centre and kind (never a child's name), changes as "field: old → new",
paging that says how many, and the filtered log exported as CSV and XLSX."""
import csv
import io
import re

from openpyxl import load_workbook

from booking.regulator import audit_log
from booking.reservations import services as reservations
from booking.reservations.labels import STATUS_LABELS
from tests import factories as f


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def _rows(page: str) -> str:
    """The table's rows, user data's translate="no" wrappers taken off (plain text to search)."""
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    return re.sub(r'<span translate="no">([^<]*)</span>', r"\1", rows)


def _family(centre, *, parent_name="王丽", child_name="张小宝"):
    slot = f.slot(centre, capacity=2)
    parent = f.user(name=parent_name)
    kid = f.child(parent, name=child_name)
    hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
    return parent, kid, hold


def test_the_log_names_people_and_actions_and_hides_the_childs_name(client):
    d = f.district(city="西安")
    c = f.centre(d, name="雁塔阳光托育")
    parent, kid, hold = _family(c)
    staff = f.user("staff", centre_id=c.id, name="李园长")
    reservations.cancel(hold.id, staff, reason="家长电话告知不再需要")
    login(client, f.user("regulator", city="西安"))
    page = client.get("/regulator/audit").get_data(as_text=True)
    rows = _rows(page)
    assert "保留托位" in rows and "取消预约" in rows           # labels, not codes alone
    assert "王丽" in rows and "家长" in rows                    # the actor's name and role
    assert "李园长" in rows and "负责人" in rows
    assert "雁塔阳光托育" in rows and "托位预约" in rows         # the centre and the kind
    assert "张小宝" not in page and f"#{kid.id}" not in rows     # never the child's name or id
    assert f"状态: {STATUS_LABELS['held']} → {STATUS_LABELS['cancelled']}" in rows
    assert "原因：家长电话告知不再需要" in rows
    assert '{"' not in rows                                     # no JSON
    assert "共 " in page and " 条记录" in page


def test_paging_says_how_many_and_pages(client, monkeypatch):
    monkeypatch.setattr(audit_log, "PAGE_SIZE", 3)
    c = f.centre(name="分页托育")
    for _ in range(4):
        f.slot(c)
    login(client, f.user("regulator"))
    page = client.get(f"/regulator/audit?centre={c.id}").get_data(as_text=True)
    total = audit_log.count(f.user("regulator"), audit_log.Filters(centre_id=c.id))
    assert total >= 5
    assert f"共 {total} 条记录，显示第 1–3 条" in page
    assert f"第 1 / {-(-total // 3)} 页" in page and 'rel="next"' in page
    assert _rows(page).count('<tr id="event-') == 3
    second = client.get(f"/regulator/audit?centre={c.id}&page=2").get_data(as_text=True)
    assert "显示第 4–" in second and 'rel="prev"' in second
    assert client.get(f"/regulator/audit?centre={c.id}&page=99").status_code == 200


def test_a_health_check_without_a_centre_shows_the_childs_centre(client):
    from datetime import date

    from booking.health import services as health
    c = f.centre(name="体检托育")
    parent, kid, _hold = _family(c, child_name="赵小禾")
    health.submit(kid.id, parent, examined_on=date(2026, 11, 20), institution="妇幼保健院",
                  result="pass", vaccination_verified=True, findings="正常")
    login(client, f.user("regulator"))
    rows = _rows(client.get("/regulator/audit?action=health_check.").get_data(as_text=True))
    assert "提交入托体检" in rows and "体检托育" in rows and "入托体检" in rows
    assert "赵小禾" not in rows


def test_export_is_the_filtered_log_in_words_and_formula_safe(client):
    c = f.centre(name="=HYPERLINK(\"http://x\")托育")
    other = f.centre(name="别的托育")
    _family(c, parent_name="=cmd|' /C calc'!A0")
    _family(other)
    login(client, f.user("regulator"))
    resp = client.get(f"/regulator/audit.csv?centre={c.id}")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    text = resp.data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["时间", "操作", "操作代码", "操作人", "角色", "机构", "对象", "变更", "原因",
                        "请求编号"]
    held = next(r for r in table if r[2] == "reservation.held")
    assert held[1] == "保留托位" and held[4] == "家长" and held[6] == "托位预约"
    assert held[3].startswith("'=cmd") and held[5].startswith("'=HYPERLINK")
    assert "别的托育" not in text
    book = load_workbook(io.BytesIO(client.get(f"/regulator/audit.xlsx?centre={c.id}").data))
    cells = [[cell.value for cell in row] for row in book.active.iter_rows()]
    assert cells[0][:3] == ["时间", "操作", "操作代码"]
    assert any(r[2] == "reservation.held" and r[1] == "保留托位" for r in cells[1:])
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)


def test_export_too_large_is_refused_with_the_count(client, monkeypatch):
    monkeypatch.setattr(audit_log, "EXPORT_MAX", 1)
    c = f.centre()
    f.slot(c)
    login(client, f.user("regulator"))
    resp = client.get(f"/regulator/audit.csv?centre={c.id}", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "一次最多导出 1 条" in page

