"""A family's entitlements and its allowance applications (docs/subsidies.md, "Family
entitlements"). Only the child's guardians reach any of it: anyone else is answered as if the
child did not exist (404); the centre's staff have no part in it (the role is refused, 403).

Applications are the family's record of what it asked the paying office (民政) and what the
office answered; the platform pays nothing. Each command is one transaction with its audit
event; a refusal leaves nothing changed.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..centres.models import Centre, District
from ..children.models import Child
from ..children.services import child_for_guardian, is_guardian
from ..clock import today
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..fees.rules import birth_order
from ..policy.models import CityPolicy
from ..reservations.models import Reservation, in_care_on
from ..slots.models import Slot
from ..transactions import command
from . import rules
from .models import NEXT, NOTE_MAX, REFERENCE_MAX, SCHEMES, AllowanceApplication


def cities() -> list[str]:
    """The cities a guardian may choose: those with a policy."""
    return list(db.session.scalars(select(CityPolicy.city).distinct().order_by(CityPolicy.city)))


def centre_city(child_id: int, on: date | None = None) -> str | None:
    """The city of the centre caring for the child on `on` (its latest enrolment if two)."""
    return db.session.scalar(select(District.city).select_from(Reservation)
                             .join(Slot, Slot.id == Reservation.slot_id)
                             .join(Centre, Centre.id == Slot.centre_id)
                             .join(District, District.id == Centre.district_id)
                             .where(Reservation.child_id == child_id, in_care_on(on or today()))
                             .order_by(Reservation.enrolled_at.desc(), Reservation.id.desc())
                             .limit(1))


def city_of(child: Child) -> tuple[str | None, str | None]:
    """(city, where it came from: 'declared' | 'centre'), or (None, None) until chosen."""
    if child.subsidy_city:
        return child.subsidy_city, "declared"
    city = centre_city(child.id)
    return (city, "centre") if city else (None, None)


def entitlement_of(child: Child) -> rules.Entitlement | None:
    """The child's months until the third birthday, or None while no city is known."""
    city, _source = city_of(child)
    if city is None:
        return None
    return rules.entitlement(city, child.birth_date, birth_order(child), today())


@command
def set_subsidy_city(child_id: int, guardian, city: str | None) -> Child:
    """The guardian declares the city whose allowance the child draws (户籍/居住地); empty
    goes back to the centre's city. :raises NotFound: not their child.
    :raises ValidationFailed: a city without a policy."""
    child = child_for_guardian(guardian, child_id)
    city = (city or "").strip() or None
    if city is not None and city not in cities():
        raise ValidationFailed(errors={"city": [_("请选择有补贴政策的城市")]})
    before = child.subsidy_city
    child.subsidy_city = city
    record("child.subsidy_city_set", child, actor=guardian, before={"city": before},
           after={"city": city})
    db.session.commit()
    return child


def applications_of(child_id: int) -> list[AllowanceApplication]:
    return list(db.session.scalars(select(AllowanceApplication).where(
        AllowanceApplication.child_id == child_id)
        .order_by(AllowanceApplication.applied_on.desc(), AllowanceApplication.id.desc())))


def _text(value, field, limit, errors):
    value = (value or "").strip()
    if len(value) > limit:
        errors[field] = [_("最多 %(n)s 个字符", n=limit)]
    return value or None


def _past(day, field, errors, label):
    if day is None:
        errors[field] = [_("必填")]
    elif day > today():
        errors[field] = [_("%(what)s不能晚于今天", what=label)]


def _amount(value, errors):
    if value is not None and (not isinstance(value, int) or value < 0):
        errors["amount_fen"] = [_("金额不能为负数")]
    return value


@command
def record_application(child_id: int, guardian, *, scheme: str, city: str | None = None,
                       applied_on: date | None, reference: str | None = None,
                       note: str | None = None) -> AllowanceApplication:
    """The family applied to the paying office. :raises NotFound: not their child.
    :raises ValidationFailed: bad scheme, city, date (none in the future) or text.
    :raises Conflict: an application of this scheme is still open."""
    child = child_for_guardian(guardian, child_id)
    errors = {}
    if scheme not in SCHEMES:
        errors["scheme"] = [_("请选择补贴类别")]
    city = (city or "").strip() or city_of(child)[0]
    if not city or city not in cities():
        errors["city"] = [_("请选择有补贴政策的城市")]
    elif scheme == "city" and not db.session.scalar(select(CityPolicy.id).where(
            CityPolicy.city == city, CityPolicy.extra_allowance_fen_per_month.is_not(None))
            .limit(1)):
        errors["scheme"] = [_("该城市没有本地育儿补贴")]
    _past(applied_on, "applied_on", errors, _("申请日期"))
    reference = _text(reference, "reference", REFERENCE_MAX, errors)
    note = _text(note, "note", NOTE_MAX, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    app = AllowanceApplication(child_id=child.id, scheme=scheme, city=city,
                               applied_on=applied_on, reference=reference, status="applied",
                               status_on=applied_on, note=note, recorded_by=guardian.id)
    db.session.add(app)
    try:
        # The partial unique index decides between two at once (docs/subsidies.md).
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("这项补贴已有办理中的申请，请先更新它的状态"))
    record("allowance.application_recorded", app, actor=guardian,
           after={"scheme": scheme, "city": city, "applied_on": applied_on,
                  "reference": reference})
    db.session.commit()
    return app


def application_for(application_id: int, guardian) -> AllowanceApplication:
    """:raises NotFound: no such application, or another family's."""
    app = db.session.get(AllowanceApplication, application_id)
    if app is None or app.child.anonymised_at is not None \
            or not is_guardian(guardian, app.child_id):
        raise NotFound()
    return app


@command
def update_status(application_id: int, guardian, *, status: str, status_on: date | None,
                  amount_fen: int | None = None, note: str | None = None
                  ) -> AllowanceApplication:
    """The office's answer, as the family reports it: applied → approved | rejected,
    approved → paid. :raises NotFound: another family's. :raises Conflict: a move backwards
    or from a final status. :raises ValidationFailed: a date in the future or before the
    last one, a negative amount, a long note."""
    application_for(application_id, guardian)  # a stranger's: 404 before any lock
    # Write the row first, so two guardians answering at once are serialised.
    db.session.execute(update(AllowanceApplication)
                       .where(AllowanceApplication.id == application_id)
                       .values(status=AllowanceApplication.status)
                       .execution_options(synchronize_session=False))
    app = db.session.get(AllowanceApplication, application_id)
    db.session.refresh(app)
    if status not in NEXT.get(app.status, ()):
        raise Conflict(_("申请当前状态不能改为此状态"))
    errors = {}
    _past(status_on, "status_on", errors, _("日期"))
    if status_on is not None and status_on < app.status_on and "status_on" not in errors:
        errors["status_on"] = [_("日期不能早于上一次状态的日期")]
    amount_fen = _amount(amount_fen, errors)
    note = _text(note, "note", NOTE_MAX, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    before = {"status": app.status, "status_on": app.status_on}
    app.status, app.status_on = status, status_on
    if amount_fen is not None:
        app.amount_fen = amount_fen
    if note is not None:
        app.note = note
    record("allowance.status_updated", app, actor=guardian, before=before,
           after={"status": status, "status_on": status_on, "amount_fen": app.amount_fen})
    db.session.commit()
    return app
