"""Two districts of one city, a centre in each, a director each and a regulator per
district (docs/workforce.md)."""
from datetime import date

import pytest

from booking.rosters import services as rosters
from tests import factories as f

ID = "610113199001011234"


def carer(centre, *, name=None, role="childcare_worker", **kw):
    kw.setdefault("certificate_no", "BYS-3-0001")
    kw.setdefault("health_cert_expires_on", date(2027, 6, 30))
    return rosters.create_staff(centre.id, name=name or f"保育员{next(f._seq)}", role=role, **kw)


@pytest.fixture
def wf(app):
    d1 = f.district(name="雁塔区", city="西安")
    d2 = f.district(name="碑林区", city="西安")
    c1 = f.centre(d1, name="小树苗托育", opening_hours="07:30-18:00", open_days="Mon-Fri")
    c2 = f.centre(d2, name="彩虹托育", opening_hours="07:30-18:00", open_days="Mon-Fri")
    return {"d1": d1, "d2": d2, "c1": c1, "c2": c2,
            "dir1": f.user("staff", centre_id=c1.id), "dir2": f.user("staff", centre_id=c2.id),
            "reg1": f.user("regulator", district_id=d1.id),
            "city": f.user("regulator", city="西安")}
