"""Migration 0032 turns each existing 普惠 flag and star rating into a granted recognition."""
import importlib.util
from datetime import date, datetime, timezone
from pathlib import Path

PATH = Path(__file__).parents[2] / "migrations" / "versions" / "0032_recognitions.py"


def _module():
    spec = importlib.util.spec_from_file_location("m0032", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_existing_flags_become_grants_from_the_creation_date_for_three_years():
    m = _module()
    at = datetime(2026, 12, 3, 4, 0, tzinfo=timezone.utc)
    rows = m.rows_for([(1, True, 0, datetime(2025, 3, 1, 17, 0)),   # 2 March in Beijing
                       (2, False, 4, datetime(2024, 2, 29, 1, 0)),
                       (3, True, 2, None)], at)
    assert [(r["centre_id"], r["kind"], r["stars"]) for r in rows] == [
        (1, "affordable", None), (2, "star", 4), (3, "affordable", None), (3, "star", 2)]
    assert (rows[0]["valid_from"], rows[0]["valid_until"]) == (date(2025, 3, 2), date(2028, 3, 1))
    assert rows[1]["valid_until"] == date(2027, 2, 27)
    assert rows[2]["valid_from"] == date(2026, 12, 3)
    assert {r["status"] for r in rows} == {"granted"}
    assert {r["reason"] for r in rows} == {"迁移：原有登记"}
