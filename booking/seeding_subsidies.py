"""Demo subsidies (booking/seeding.py calls this after the demo enrolments): a child in care
on an affordable place since September at one centre of each city paying centre subsidies,
last month's claims drafted for those cities' centres, Dalian's submitted and Baiyin's
approved (so the regulator's queue, the receivables and the report show something), and the
main demo parent's application for the national 育儿补贴.

Beijing's claim is left a draft: the subsidy journey (tests/e2e/test_journey_subsidy.py)
regenerates and submits it. Idempotent: a claim already submitted or decided refuses to be
generated again (Conflict), and is skipped.
"""
from datetime import date, datetime, time

from sqlalchemy import select

from . import clock
from .auth.models import User
from .centres.models import Centre, District
from .children.models import Child, Guardianship
from .errors import BookingError
from .extensions import db
from .regulator.models import Filing
from .slots.models import Slot

FAMILY = "demo.family@tuowei.example"
SINCE = date(2026, 9, 1)
# centre → what happens to its claim after it is drafted
CLAIMS = {"bj-chaoyang-public-1": None,
          "dl-ganjingzi-employer-1": "submit",
          "by-baiyin-public-1": "approve"}
REVIEWER = {"by-baiyin-public-1": "regulator.by@tuowei.example"}
PARENT, PARENT_CHILD = "parent@tuowei.example", "张小贝"


def seed_subsidies(echo):
    from .subsidies.claims import past_month, pays_subsidy
    from .fees.rules import month_key
    family = db.session.scalar(select(User).where(User.email == FAMILY))
    if family is not None:
        for n, key in enumerate(CLAIMS, 1):
            _in_care(key, family, n, echo)
    first = past_month(month_key(_last_month()))  # checks it has ended
    rows = db.session.execute(
        select(Centre, District.city).join(District, District.id == Centre.district_id)
        .join(Filing, Filing.centre_id == Centre.id)
        .where(Centre.seed_key.is_not(None), Filing.status == "approved")
        .order_by(Centre.id)).all()
    made = 0
    for centre, city in rows:
        if not pays_subsidy(city, first):
            continue
        made += _claim(centre, month_key(first), echo)
    if made:
        echo(f"seed: {made} subsidy claims for {month_key(first)}")
    _application(echo)


def _last_month() -> date:
    today = clock.today()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def _in_care(key, family, n, echo):
    """A child of the demo family in care since September on an affordable place: a copy of
    one of the centre's slots, begun then (the seeded slots all begin next year)."""
    from .audit.services import record
    from .reservations.models import Reservation
    centre = db.session.scalar(select(Centre).where(Centre.seed_key == key))
    if centre is None:
        return
    name = f"示例补贴宝宝{n}"
    if db.session.scalar(select(Child.id).join(Guardianship).where(
            Guardianship.user_id == family.id, Child.name == name)):
        return
    model = db.session.scalar(select(Slot).where(Slot.centre_id == centre.id)
                              .order_by((Slot.category != "affordable"), Slot.id))
    if model is None:
        return
    slot = Slot(centre_id=centre.id, group_id=model.group_id, age_band=model.age_band,
                care_type=model.care_type, category="affordable", capacity=model.capacity,
                monthly_fee_fen=model.monthly_fee_fen, starts_on=SINCE)
    db.session.add(slot)
    child = Child(name=name, birth_date=date(2025, 1, 10))
    db.session.add(child)
    db.session.flush()
    db.session.add(Guardianship(child_id=child.id, user_id=family.id, position=1))
    at = datetime.combine(date(2026, 8, 20), time(10), clock.LOCAL)
    r = Reservation(slot_id=slot.id, child_id=child.id, parent_id=family.id, status="enrolled",
                    created_at=at, enrolled_at=at)
    db.session.add(r)
    db.session.flush()
    record("reservation.enrolled", r, centre_id=centre.id,
           after={"status": "enrolled", "seed": True})
    db.session.commit()
    echo(f"seed: {name} in care at {centre.name} since {SINCE.isoformat()}")


def _claim(centre, month, echo) -> int:
    from .subsidies import claims, decisions
    from .subsidies.models import SubsidyClaim
    if db.session.scalar(select(SubsidyClaim.id).where(SubsidyClaim.centre_id == centre.id,
                                                       SubsidyClaim.month == month)):
        return 0  # made at an earlier seeding (a draft is the centre's to regenerate)
    try:
        claim, _ = claims.generate(centre.id, month)
    except BookingError:
        db.session.rollback()
        return 0  # submitted or decided at an earlier seeding
    then = CLAIMS.get(centre.seed_key)
    if then is None:
        return 1
    director = db.session.scalar(select(User).where(
        User.centre_id == centre.id, User.role == "staff", User.staff_role == "director"))
    if director is None:
        return 1
    claims.submit(claim.id, director)
    if then == "approve":
        regulator = db.session.scalar(select(User).where(User.email == REVIEWER[centre.seed_key]))
        if regulator is not None:
            decisions.approve(claim.id, regulator, acknowledge_anomalies=True)
    echo(f"seed: {centre.name}'s claim for {month}: {then}")
    return 1


def _application(echo):
    from .entitlements import services as entitlements
    from .entitlements.models import AllowanceApplication
    parent = db.session.scalar(select(User).where(User.email == PARENT))
    if parent is None:
        return
    child = db.session.scalar(select(Child).join(Guardianship).where(
        Guardianship.user_id == parent.id, Child.name == PARENT_CHILD))
    if child is None or db.session.scalar(select(AllowanceApplication.id).where(
            AllowanceApplication.child_id == child.id)):
        return
    try:
        entitlements.record_application(child.id, parent, scheme="national", city="西安",
                                        applied_on=date(2025, 3, 10), reference="雁塔民政〔2025〕0312 号",
                                        note="在街道便民服务中心递交（示例）")
    except BookingError as err:
        db.session.rollback()
        echo(f"seed: no demo allowance application ({err})")
        return
    echo(f"seed: {parent.name}'s 育儿补贴 application for {child.name}")
