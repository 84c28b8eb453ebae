"""docs/permissions.md's table is the code's table (a power granted in code is documented)."""
import re
from pathlib import Path

from booking.auth.permissions import PRINCIPALS, TABLE

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_the_documented_table_is_the_code_table():
    rows = {}
    header = None
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "action":
            header = cells[1:]
        elif header and (m := re.fullmatch(r"`([\w.]+)`", cells[0])):
            rows[m.group(1)] = {p: c for p, c in zip(header, cells[1:]) if c != "—"}
    assert header == list(PRINCIPALS)
    assert rows == TABLE
