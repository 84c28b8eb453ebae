"""A world for examinations: an institution (doctor, nurse, clerk) with a session today, a
family whose child holds a place at centre A and has an appointment in it, another family,
another institution's doctor, centre B's director, and a regulator."""
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest

from booking.reservations import services as reservations
from tests import factories as f

TODAY_9 = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai, NOW's day
TODAY = date(2026, 11, 23)


@dataclass
class World:
    inst: object
    doctor: object
    nurse: object
    clerk: object
    session: object
    parent: object
    kid: object
    hold: object
    centre: object
    slot: object
    director: object
    health: object
    appointment: object
    other_parent: object
    other_kid: object
    doctor_b: object
    director_b: object
    regulator: object


def login(client, user):
    resp = client.post("/login", data={"login": user.email, "password": f.PASSWORD})
    assert resp.status_code == 302


@pytest.fixture
def world(app, db):
    d = f.district()
    c = f.centre(d)
    s = f.slot(c, capacity=3, starts_on=date(2026, 12, 15))
    parent = f.user()
    kid = f.child(parent, name="小花", birth_date=date(2025, 6, 1))
    kid.sex = "f"
    db.session.commit()
    hold = reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=parent)
    inst = f.institution(d, name="雁塔区妇幼保健院")
    session = f.exam_session(inst, starts_at=TODAY_9)
    appointment = f.exam_appointment(session, kid, parent, reservation_id=hold.id)
    other_parent = f.user()
    other_kid = f.child(other_parent, name="小明")
    inst_b = f.institution(d)
    return World(inst=inst, doctor=f.institution_account(inst, "doctor", name="王医生"),
                 nurse=f.institution_account(inst, "nurse"),
                 clerk=f.institution_account(inst, "clerk"), session=session, parent=parent,
                 kid=kid, hold=hold, centre=c, slot=s,
                 director=f.user("staff", centre_id=c.id),
                 health=f.user("staff", centre_id=c.id, staff_role="health"),
                 appointment=appointment, other_parent=other_parent, other_kid=other_kid,
                 doctor_b=f.institution_account(inst_b, "doctor"),
                 director_b=f.user("staff", centre_id=f.centre().id),
                 regulator=f.user("regulator", district_id=d.id))


def draft(**over):
    """A complete, signable draft."""
    values = {"examined_on": TODAY, "history": "无", "height_cm": 80.5, "weight_kg": 10.8,
              "findings": {"skin": {"normal": True, "note": ""},
                           "heart_lungs": {"normal": False, "note": "心脏杂音，待复查"}},
              "haemoglobin_g_l": 118, "vision": "pass", "hearing": "pass",
              "vaccination_checked": True, "vaccination_note": None, "conclusion": "pass",
              "follow_up_actions": None, "follow_up_by": None}
    values.update(over)
    return values
