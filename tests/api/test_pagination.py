"""api.pagination.paginate: one page of an ordered statement and the total, for every list."""
from sqlalchemy import select

from booking.api.pagination import paginate
from booking.centres.models import District
from tests import factories as f


def test_pages_of_entities_and_of_rows(db):
    codes = sorted(f.district().code for _ in range(5))
    stmt = select(District).order_by(District.code)
    rows, total = paginate(stmt, 2, 2)
    assert total == 5 and [d.code for d in rows] == codes[2:4]
    rows, total = paginate(select(District.code, District.city).order_by(District.code), 3, 2)
    assert total == 5 and [tuple(r) for r in rows] == [(codes[4], "西安")]
    rows, total = paginate(stmt.where(District.code != codes[0]), 9, 2)
    assert (rows, total) == ([], 4)
