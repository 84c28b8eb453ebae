"""Worlds for tests, built through the services (so the rules apply to test data too)."""
from datetime import date
from itertools import count

from booking.auth import services as auth
from booking.centres import services as centres
from booking.centres.models import CityPolicy, Group
from booking.children.models import Child, Guardianship
from booking.extensions import db
from booking.slots import services as slots

_seq = count(1)
PASSWORD = "Passw0rd-test"


def district(code=None, city="西安", population=1_000_000, target=4.8, name=None):
    n = next(_seq)
    return centres.create_district(code=code or f"61{n:04d}", name=name or f"测试区{n}",
                                   city=city, population=population, target_per_1000=target,
                                   name_en=f"Test District {n}")


def policy(city="西安", **caps):
    p = CityPolicy(city=city, cap_infant_fen=caps.get("infant", 200000),
                   cap_toddler_fen=caps.get("toddler", 180000),
                   cap_preschool_fen=caps.get("preschool", 160000),
                   cap_mixed_fen=caps.get("mixed", 170000), health_check_valid_days=90)
    db.session.add(p)
    db.session.commit()
    return p


def centre(d=None, *, name=None, kind="public", approved=True, **fields):
    d = d or district()
    n = next(_seq)
    fields.setdefault("subdistrict", "测试街道")
    fields.setdefault("address", f"测试路{n}号")
    return centres.create_centre(district_code=d.code, name=name or f"测试托育中心{n}",
                                 kind=kind, approved=approved, **fields)


def group(c, band="toddler", max_size=None, name=None):
    from booking.centres.bands import AGE_BANDS
    g = Group(centre_id=c.id, name=name or f"{band}-{next(_seq)}", age_band=band,
              max_size=max_size or AGE_BANDS[band].max_class_size)
    db.session.add(g)
    db.session.commit()
    return g


def slot(c=None, *, band="toddler", capacity=5, category="public", care_type="full_day",
         fee=100000, starts_on=date(2027, 3, 1), group_id=None):
    c = c or centre()
    return slots.create_slot(centre=c, age_band=band, care_type=care_type, category=category,
                             capacity=capacity, monthly_fee_fen=fee, starts_on=starts_on,
                             group_id=group_id)


def user(role="parent", *, email=None, centre_id=None, password=PASSWORD, name=None, **kw):
    n = next(_seq)
    email = email or f"{role}{n}@example.com"
    if role == "parent":
        return auth.register_parent(name=name or f"家长{n}", email=email, password=password,
                                    consent=True)
    if role == "regulator" and not (kw.get("district_id") or kw.get("city")):
        kw.setdefault("national", True)  # a scope must be chosen; tests that don't care get all
    return auth.create_user(role=role, name=name or f"{role}{n}", email=email,
                            password=password, centre_id=centre_id, **kw)


def child(parent, *, name=None, birth_date=date(2025, 9, 1)):
    c = Child(name=name or f"宝宝{next(_seq)}", birth_date=birth_date)
    db.session.add(c)
    db.session.flush()
    db.session.add(Guardianship(child_id=c.id, user_id=parent.id, relation="mother", position=1))
    db.session.commit()
    return c


def token(client, u, password=PASSWORD):
    resp = client.post("/api/v1/auth/token", json={"email": u.email, "password": password})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["token"]


def bearer(client, u):
    return {"Authorization": f"Bearer {token(client, u)}"}


def passed_check(kid, parent, *, examined_on=date(2026, 11, 20), valid_until=date(2027, 9, 1)):
    """A verified, passing intake check with the vaccination record checked."""
    from booking.health.models import HealthCheck
    db.session.add(HealthCheck(child_id=kid.id, examined_on=examined_on, institution="妇幼保健院",
                               result="pass", vaccination_verified=True, status="verified",
                               valid_until=valid_until, submitted_by=parent.id))
    db.session.commit()


def in_care(*, capacity=1, starts_on=date(2026, 11, 1), fee=100000):
    """A child in care since 1 November (enrolled 20 October) in a slot of its own centre:
    (centre, slot, staff, parent, child, reservation)."""
    from datetime import datetime, timezone

    from booking.reservations.models import Reservation
    c = centre()
    s = slot(c, capacity=capacity, starts_on=starts_on, fee=fee)
    staff = user("staff", centre_id=c.id)
    parent = user()
    kid = child(parent, birth_date=date(2025, 6, 1))
    r = Reservation(slot_id=s.id, child_id=kid.id, parent_id=parent.id, status="enrolled",
                    enrolled_at=datetime(2026, 10, 20, 2, tzinfo=timezone.utc))
    db.session.add(r)
    db.session.commit()
    return c, s, staff, parent, kid, r


# --- 入托体检 as a service (docs/exams.md) ----------------------------------------------------

def institution(d=None, *, name=None, kind="maternal_child", cutoff_hours=24):
    """A health institution in district `d` (a new one when not given)."""
    from booking.exams.models import HealthInstitution
    d = d or district()
    inst = HealthInstitution(name=name or f"测试妇幼保健院{next(_seq)}", kind=kind,
                             district_id=d.id, cancel_cutoff_hours=cutoff_hours)
    db.session.add(inst)
    db.session.commit()
    return inst


def institution_account(inst, role="doctor", *, name=None):
    """An account of `inst` with institution role `role` (doctor, nurse, clerk)."""
    n = next(_seq)
    return auth.create_user(role="institution", name=name or f"{role}{n}",
                            email=f"{role}{n}@example.com", password=PASSWORD,
                            institution_id=inst.id, institution_role=role)


def exam_session(inst, *, starts_at=None, hours=3, capacity=5, items=None):
    """An exam session of `inst` (by default on 2026-12-10 from 09:00 Beijing time)."""
    from datetime import datetime, timedelta, timezone
    from booking.exams.models import SESSION_ITEMS, ExamSession
    starts_at = starts_at or datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc)
    s = ExamSession(institution_id=inst.id, starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=hours), capacity=capacity,
                    items=list(items or SESSION_ITEMS), bring="疫苗接种证、母子健康手册")
    db.session.add(s)
    db.session.commit()
    return s


def exam_appointment(session, kid, parent, *, reservation_id=None, status="booked"):
    """An appointment written directly (tests of results; booking rules are tested apart)."""
    from booking.exams.models import ExamAppointment
    a = ExamAppointment(session_id=session.id, child_id=kid.id, booked_by=parent.id,
                        reservation_id=reservation_id, status=status)
    db.session.add(a)
    db.session.commit()
    return a


def credit_code(stem=None):
    """A well-formed 统一社会信用代码 (its check character computed), different each call."""
    from booking.operators.credit_code import check_character
    first17 = stem or f"91610113{next(_seq):09d}"
    return first17 + check_character(first17)


def operator(d=None, *, actor=None, name=None, centres=(), from_date=date(2026, 11, 1), **kw):
    """An operator registered in `d`, running `centres` from `from_date`."""
    from booking.operators import services as operators
    d = d or district()
    actor = actor or user("admin")
    op = operators.create_operator(actor, name=name or f"测试举办者{next(_seq)}",
                                   credit_code=kw.pop("code", None) or credit_code(),
                                   legal_representative=kw.pop("legal_representative", "李四"),
                                   district=d.code, **kw)
    for c in centres:
        operators.link_centre(actor, op.id, c.id, from_date)
    return op
