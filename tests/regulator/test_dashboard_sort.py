"""The dashboard's district table sorts by the gap to the target (places still needed),
name or places, on the server (?sort=), with links and aria-sort in the header; the coverage
exports have headers in the reader's language and occupancy as a percentage."""
import csv
import io

from openpyxl import load_workbook

from booking.regulator.services import places_needed
from tests import factories as f


def login(client, user):
    assert client.post("/login", data={"login": user.email,
                                       "password": f.PASSWORD}).status_code == 302


def test_places_needed_is_the_gap_in_places():
    assert places_needed(100_000, 4.5, 300) == 150
    assert places_needed(100_000, 4.5, 450) == 0
    assert places_needed(100_000, 4.5, 600) == 0
    assert places_needed(333_333, 4.5, 0) == 1500  # ceil(1499.9985)


def _world():
    small = f.district(city="白银", name="甲区", population=100_000, target=4.5)   # needs 450
    big = f.district(city="白银", name="乙区", population=400_000, target=4.5)     # needs 1800
    met = f.district(city="白银", name="丙区", population=10_000, target=4.5)      # needs 45
    f.slot(f.centre(small), capacity=300)
    f.slot(f.centre(big), capacity=1000)
    f.slot(f.centre(met), capacity=50)
    return small, big, met


def _order(page, names):
    table = page.split('id="districts"')[1]
    return sorted(names, key=table.index)


def test_sorted_by_gap_name_and_places(client):
    _world()
    login(client, f.user("regulator", city="白银"))
    page = client.get("/regulator?sort=gap").get_data(as_text=True)
    assert _order(page, ["甲区", "乙区", "丙区"]) == ["乙区", "甲区", "丙区"]
    assert '<td class="num">800</td>' in page and '<td class="num">150</td>' in page
    assert 'aria-sort="descending"><a class="sort" href="/regulator?sort=gap#districts">还差托位' in page
    assert page.count('aria-sort="none"') == 2
    page = client.get("/regulator?sort=places").get_data(as_text=True)
    assert _order(page, ["甲区", "乙区", "丙区"]) == ["乙区", "甲区", "丙区"]  # 1000, 300, 50
    page = client.get("/regulator?sort=name").get_data(as_text=True)
    assert _order(page, ["甲区", "乙区", "丙区"]) == ["甲区", "乙区", "丙区"]
    page = client.get("/regulator?sort=nonsense").get_data(as_text=True)  # the default: name
    table = page.split('id="districts"')[1]
    assert 'aria-sort="ascending"' in table
    # the API gives the gap too
    api = client.get("/api/v1/regulator/coverage?city=白银",
                     headers=f.bearer(client, f.user("regulator", city="白银"))).get_json()
    assert sorted(r["places_needed"] for r in api) == [0, 150, 800]


def test_coverage_exports_in_the_readers_language_with_percentages(client):
    from booking.regulator.views import _percent
    assert _percent(0.123) == "12.3%" and _percent(1.0) == "100.0%"
    _world()
    login(client, f.user("regulator", city="白银"))
    text = client.get("/regulator/coverage.csv").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["区县代码", "区县", "城市"]
    assert "入托率" in table[0] and "距目标还差托位" in table[0]
    rate = table[0].index("入托率")
    assert all(r[rate].endswith("%") for r in table[1:]) and table[1][rate] == "0.0%"
    book = load_workbook(io.BytesIO(client.get("/regulator/coverage.xlsx").data)).active
    head = [c.value for c in book[1]]
    assert head[:2] == ["区县代码", "区县"]
    col = head.index("入托率") + 1
    cells = [book.cell(row=i, column=col) for i in range(2, book.max_row + 1)]
    assert cells and all(c.number_format == "0.0%" and isinstance(c.value, (int, float)) for c in cells)
    english = client.get("/regulator/coverage.csv", headers={"Accept-Language": "en"})
    assert english.status_code == 200 and english.data.startswith("\ufeff".encode())
