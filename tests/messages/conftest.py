"""A world for the messages tests: one centre with two classes, its staff in every role, two
families in care (one child with two guardians), a family holding a place, another centre
with its own family and staff, a family with no place, a regulator and an admin."""
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from booking.children.models import Guardianship
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from tests import factories as f
from tests.conftest import NOW

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 200
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
MB = 1024 * 1024


def enrol(db, parent, kid, slot):
    r = Reservation(slot_id=slot.id, child_id=kid.id, parent_id=parent.id, status="enrolled",
                    enrolled_at=datetime(2026, 10, 20, 2, tzinfo=timezone.utc))
    db.session.add(r)
    db.session.commit()
    return r


@pytest.fixture
def world(app, db):
    f.policy(city="西安")
    c = f.centre(name="雁塔区阳光托育中心")
    g1, g2 = f.group(c, name="托小一班"), f.group(c, name="托大一班")
    s1 = f.slot(c, capacity=5, group_id=g1.id, starts_on=NOW.date() - timedelta(days=30))
    s2 = f.slot(c, capacity=5, group_id=g2.id, starts_on=NOW.date() - timedelta(days=30))
    later = f.slot(c, capacity=5, group_id=g1.id)
    staff = {role: f.user("staff", centre_id=c.id, staff_role=role, name=f"{role}老师",
                          phone=f"1390000000{i}")
             for i, role in enumerate(("director", "carer", "health", "finance"))}
    parent, parent2 = f.user(name="王妈妈"), f.user(name="王爸爸")
    kid = f.child(parent, name="王小宝", birth_date=datetime(2025, 3, 1).date())
    db.session.add(Guardianship(child_id=kid.id, user_id=parent2.id, relation="father", position=2))
    db.session.commit()
    enrolment = enrol(db, parent, kid, s1)
    other_parent = f.user(name="李妈妈")
    other_kid = f.child(other_parent, name="李小宝", birth_date=datetime(2025, 3, 1).date())
    enrol(db, other_parent, other_kid, s2)
    holder = f.user(name="张妈妈")
    held_kid = f.child(holder, name="张小宝")
    hold = reservations.place_hold(slot_id=later.id, child_id=held_kid.id, parent=holder)

    c2 = f.centre(name="碑林区彩虹托育园")
    s3 = f.slot(c2, capacity=5, starts_on=NOW.date() - timedelta(days=30))
    far_staff = f.user("staff", centre_id=c2.id, staff_role="director", name="远方园长")
    far_carer = f.user("staff", centre_id=c2.id, staff_role="carer", name="远方老师")
    far_parent = f.user(name="赵妈妈")
    far_kid = f.child(far_parent, name="赵小宝", birth_date=datetime(2025, 3, 1).date())
    enrol(db, far_parent, far_kid, s3)

    loner = f.user(name="孙妈妈")
    lone_kid = f.child(loner, name="孙小宝")
    regulator = f.user("regulator", city="西安")
    admin = f.user("admin")
    return SimpleNamespace(
        centre=c, g1=g1, g2=g2, s1=s1, s2=s2, director=staff["director"], carer=staff["carer"],
        health=staff["health"], finance=staff["finance"], parent=parent, parent2=parent2,
        kid=kid, enrolment=enrolment, other_parent=other_parent, other_kid=other_kid,
        holder=holder, held_kid=held_kid, hold=hold, centre2=c2, far_staff=far_staff,
        far_carer=far_carer, far_parent=far_parent, far_kid=far_kid, loner=loner,
        lone_kid=lone_kid, regulator=regulator, admin=admin)


def stored_files(app) -> list[str]:
    d = Path(app.config["TUOWEI_UPLOAD_DIR"])
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def upload(data: bytes, name: str):
    import io

    from werkzeug.datastructures import FileStorage
    return FileStorage(io.BytesIO(data), filename=name)


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:400]
