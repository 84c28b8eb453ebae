"""Demo data made on top of seeds/*.yaml (booking/seeding.py calls these): filed centres'
materials, and the main demo parent's family life, so the demo shows something on each page.

Idempotent like the rest of the seed: each step looks for what it would make and makes it
only when it is not there.
"""
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from . import clock
from .auth.models import User
from .centres.models import Centre, District
from .children.models import Child, Guardianship
from .errors import BookingError
from .extensions import db
from .regulator.models import Filing
from .slots.models import Slot

PARENT = "parent@tuowei.example"
STAFF = "staff.xa1@tuowei.example"
CENTRE = "xa-yanta-public-1"
IN_CARE = "张小贝"   # in care since September: the day's record, the monthly fees
HOLDING = "张小禾"   # a held place with an intake check waiting to be verified
INSTITUTION = "雁塔区妇幼保健院"


def fill_filing_materials(echo):
    """Filed centres (备案办法 art. 8) have their materials: certificate numbers made up in the
    shape real ones have, the premises from the centre's own address and areas."""
    rows = db.session.execute(
        select(Filing, Centre, District).join(Centre, Centre.id == Filing.centre_id)
        .join(District, District.id == Centre.district_id)
        .where(Centre.seed_key.is_not(None), Filing.status != "draft",
               Filing.legal_entity_cert_no.is_(None))).all()
    for filing, centre, district in rows:
        n = centre.id
        filing.legal_entity_cert_no = f"52{district.code}MJ{n:07d}X"[:18]
        area = f"，室内 {centre.indoor_area_m2} ㎡" if centre.indoor_area_m2 else ""
        outdoor = f"、室外 {centre.outdoor_area_m2} ㎡" if centre.outdoor_area_m2 else ""
        filing.premises = f"{centre.address}{area}{outdoor}（房屋租赁合同，租期至 2030 年）"[:200]
        filing.fire_safety_ref = f"{district.name}消验字〔2025〕第 {n:04d} 号"
        filing.health_evaluation_ref = f"{district.city}托育卫评〔2025〕{n:03d} 号"
        filing.food_licence_ref = f"JY3{district.code}{n:07d}"
        filing.commitment_signed = True
    db.session.commit()
    if rows:
        echo(f"seed: filing materials for {len(rows)} centres")


def _child(parent, name):
    return db.session.scalar(select(Child).join(Guardianship).where(
        Guardianship.user_id == parent.id, Child.name == name))


def seed_demo_parent(echo):
    """张敏 (parent@) has a child in care with today's record and the month's fees, a held
    place with its intake check, and a wait; her third child 张小宝 is left free for the
    journeys to book."""
    parent = db.session.scalar(select(User).where(User.email == PARENT))
    staff = db.session.scalar(select(User).where(User.email == STAFF))
    centre = db.session.scalar(select(Centre).where(Centre.seed_key == CENTRE))
    if parent is None or staff is None or centre is None:
        return
    in_care, holding = _child(parent, IN_CARE), _child(parent, HOLDING)
    if in_care is not None:
        enrolment = _enrol(in_care, parent, centre, echo)
        if enrolment is not None:
            _fees(parent, staff, centre, echo)
            _day(in_care, enrolment, staff, echo)
            _wait(in_care, parent, centre, echo)
    if holding is not None:
        _hold(holding, parent, centre, echo)


def _enrol(child, parent, centre, echo):
    from .audit.services import record
    from .reservations.models import Reservation
    found = db.session.scalar(select(Reservation).where(Reservation.child_id == child.id,
                                                        Reservation.status == "enrolled"))
    if found is not None:
        return found
    slot = db.session.scalar(select(Slot).where(
        Slot.centre_id == centre.id, Slot.age_band == "preschool",
        Slot.starts_on <= clock.today()).order_by(Slot.starts_on))
    if slot is None:
        return None
    at = datetime.combine(slot.starts_on - timedelta(days=10), time(10), clock.LOCAL)
    r = Reservation(slot_id=slot.id, child_id=child.id, parent_id=parent.id, status="enrolled",
                    created_at=at - timedelta(days=5), enrolled_at=at)
    db.session.add(r)
    db.session.flush()
    record("reservation.enrolled", r, centre_id=centre.id,
           after={"status": "enrolled", "seed": True})
    db.session.commit()
    echo(f"seed: {child.name} in care at {centre.name}")
    return r


def _fees(parent, staff, centre, echo):
    from .fees import services as fees
    from .fees.models import LedgerEntry
    fees.post_monthly_charges(centre_id=centre.id)
    paid = db.session.scalar(select(LedgerEntry.id).where(
        LedgerEntry.centre_id == centre.id, LedgerEntry.parent_id == parent.id,
        LedgerEntry.kind == "payment").limit(1))
    amount = fees.monthly_fees_fen(centre.id, parent.id)
    if paid is None and amount > 0:
        fees.record_payment(centre.id, parent.id, amount * 2, staff, method="微信（示例）",
                            note="seed")
        echo(f"seed: {parent.name} paid two months ahead")


def _day(child, enrolment, staff, echo):
    """Arrival with a passed morning check and the morning's entries, on the latest day whose
    morning is over (today after 10:30, else yesterday)."""
    from .daily.models import DailyEntry
    from .health.models import Attendance
    if db.session.scalar(select(func.count(DailyEntry.id)).where(DailyEntry.child_id == child.id)):
        return
    now = clock.now()
    day = clock.local_date(now)
    if now.astimezone(clock.LOCAL).time() < time(10, 30):
        day -= timedelta(days=1)

    def at(h, m):
        return datetime.combine(day, time(h, m), clock.LOCAL)
    if db.session.scalar(select(Attendance.id).where(Attendance.reservation_id == enrolment.id,
                                                     Attendance.on_date == day)) is None:
        db.session.add(Attendance(reservation_id=enrolment.id, on_date=day, arrived_at=at(8, 5),
                                  temperature_c=36.6, morning_check_passed=True))
    entries = [dict(kind="meal", at=at(8, 30), meal="breakfast", amount="all"),
               dict(kind="mood", at=at(9, 0), mood="happy"),
               dict(kind="meal", at=at(9, 45), meal="morning_snack", amount="most"),
               dict(kind="toilet", at=at(10, 0), toilet="potty_wee"),
               dict(kind="note", at=at(10, 15), note="今天在户外玩了沙子，和小朋友分享了铲子。")]
    for e in entries:
        db.session.add(DailyEntry(child_id=child.id, reservation_id=enrolment.id, on_date=day,
                                  recorded_by=staff.id, recorded_at=e["at"], **e))
    db.session.commit()
    echo(f"seed: {child.name}'s day on {day.isoformat()}")


def _wait(child, parent, centre, echo):
    """A wait at another centre of the city (a move closer to work, say)."""
    from .waitlists import services as waitlists
    from .waitlists.models import WaitlistEntry
    if db.session.scalar(select(WaitlistEntry.id).where(WaitlistEntry.child_id == child.id)):
        return
    slot = db.session.scalar(
        select(Slot).join(Centre, Centre.id == Slot.centre_id)
        .join(Filing, Filing.centre_id == Centre.id)
        .join(District, District.id == Centre.district_id)
        .where(District.city == "西安", Centre.id != centre.id, Filing.status == "approved",
               Slot.age_band.in_(("preschool", "mixed")), Slot.starts_on > clock.today(),
               Slot.starts_on < child.birth_date.replace(year=child.birth_date.year + 3))
        .order_by(Slot.starts_on, Slot.id))
    if slot is None:
        return
    try:
        waitlists.join(slot_id=slot.id, child_id=child.id, parent=parent)
    except BookingError as err:
        echo(f"seed: no demo wait ({err})")
        return
    echo(f"seed: {child.name} waits at centre {slot.centre_id}")


def _hold(child, parent, centre, echo):
    from .health import services as health
    from .health.models import HealthCheck
    from .reservations import services as reservations
    from .reservations.models import Reservation
    if db.session.scalar(select(Reservation.id).where(Reservation.child_id == child.id)) is None:
        slot = db.session.scalar(select(Slot).where(
            Slot.centre_id == centre.id, Slot.age_band == "infant",
            Slot.category == "affordable").order_by(Slot.starts_on, Slot.id))
        if slot is None:
            return
        try:
            reservations.place_hold(slot_id=slot.id, child_id=child.id, parent=parent)
        except BookingError as err:
            echo(f"seed: no demo hold ({err})")
            return
        echo(f"seed: {child.name} holds a place at {centre.name}")
    if db.session.scalar(select(HealthCheck.id).where(HealthCheck.child_id == child.id)) is None:
        examined = max(clock.today() - timedelta(days=2), child.birth_date)
        health.submit(child.id, parent, examined_on=examined, institution=INSTITUTION,
                      result="pass", vaccination_verified=True, height_cm=68.5, weight_kg=8.1)
        echo(f"seed: {child.name}'s intake check, to be verified")

