"""Intake health checks (入托体检) and who may see them (PIPL; 76号令 art. 15)."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.services import notify, record, record_many
from ..auth.permissions import allowed
from ..centres.models import Centre, District
from ..centres.services import policy_for
from ..children import services as children
from ..children.models import Child
from ..clock import now as clock_now
from ..clock import today
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from ..regulator.jurisdiction import child_centre, holds_child, is_national
from ..reservations.models import Reservation, held_at, live_at
from ..slots.models import Slot
from .models import HealthCheck

DEFAULT_VALID_DAYS = 90  # docs/domain.md, Health: *default* validity from examination


def centres_caring_for(child_id: int, now=None) -> list[int]:
    """Centres with a live reservation for the child (a hold not lapsed, or care not ended)."""
    now = now or clock_now()
    return list(db.session.scalars(select(Slot.centre_id).join(Reservation).where(
        Reservation.child_id == child_id, live_at(now)).distinct()))


def staff_may_act(user, child_id: int, now=None, action="health_record.read") -> bool:
    """Staff whose staff role may do `action` (auth/permissions.py), at a centre holding a
    place for the child."""
    return (user.role == "staff" and allowed(user, action)
            and user.centre_id in centres_caring_for(child_id, now))


def valid_days_for_child(child_id: int, now) -> int:
    """How long an intake check of the child stays valid: the city policy of a centre
    holding a place for it, else the default."""
    centre_ids = centres_caring_for(child_id, now)
    if centre_ids:
        city = db.session.scalar(select(District.city).join(Centre).where(
            Centre.id == centre_ids[0]))
        policy = policy_for(city)
        if policy:
            return policy.health_check_valid_days
    return DEFAULT_VALID_DAYS


@command
def submit(child_id: int, actor, *, examined_on: date, institution: str, result: str,
           vaccination_verified: bool, height_cm=None, weight_kg=None, haemoglobin_g_l=None,
           findings=None, attachment=None, now=None) -> HealthCheck:
    """Record an intake check from the medical institution's form. The child's guardian or
    staff of a centre holding a place for the child may enter it; staff verify it later.

    `attachment` is a stored file from `attachments.store` (path, type, size), or None.
    :raises NotFound: not their child. :raises ValidationFailed: a future or stale date.
    """
    now = now or clock_now()
    child = db.session.get(Child, child_id)
    if child is None or child.anonymised_at is not None or not (
            (actor.role == "parent" and children.is_guardian(actor, child_id))
            or staff_may_act(actor, child_id, now, "health_record.submit")):
        raise NotFound()
    errors = {}
    if examined_on > today():
        errors["examined_on"] = [_("体检日期不能晚于今天")]
    elif examined_on < child.birth_date:
        errors["examined_on"] = [_("体检日期不能早于出生日期")]
    if result not in ("pass", "fail", "follow_up"):
        errors["result"] = [_("结论应为合格、不合格或需复查")]
    if errors:
        raise ValidationFailed(errors=errors)
    check = HealthCheck(child_id=child_id, examined_on=examined_on, institution=institution.strip(),
                        result=result, vaccination_verified=vaccination_verified,
                        height_cm=height_cm, weight_kg=weight_kg, haemoglobin_g_l=haemoglobin_g_l,
                        findings=findings, status="submitted", submitted_by=actor.id,
                        submitted_at=now,
                        valid_until=examined_on + timedelta(days=valid_days_for_child(child_id, now)))
    if attachment is not None:
        check.attachment_path, check.attachment_type, check.attachment_size = attachment
    db.session.add(check)
    db.session.flush()
    record("health_check.submitted", check, actor=actor,
           after={"child_id": child_id, "result": result, "valid_until": check.valid_until})
    db.session.commit()
    return check


@command
def verify(check_id: int, staff, now=None) -> HealthCheck:
    """Staff of a centre holding a place for the child check the entry against the paper form.

    :raises NotFound: not a child their centre holds a place for. :raises Conflict: not submitted.
    """
    now = now or clock_now()
    check = db.session.get(HealthCheck, check_id)
    if check is None or not staff_may_act(staff, check.child_id, now, "health_record.verify"):
        raise NotFound()
    mark_verified(check, staff, now)
    db.session.commit()
    return check


def mark_verified(check: HealthCheck, staff, now) -> None:
    """Verify a submitted check, log it and tell the guardians. Only flushes: `verify` and
    `reservations.intake.verify_and_enrol` commit it (the latter with the enrolment).

    :raises Conflict: not submitted (verified already, or returned to the family)."""
    if check.status != "submitted":
        raise Conflict(_("该体检记录已核验") if check.status == "verified"
                       else _("该体检记录已退回家长，请等家长重新提交"))
    check.status, check.verified_by, check.verified_at = "verified", staff.id, now
    record("health_check.verified", check, actor=staff, centre_id=staff.centre_id,
           before={"status": "submitted"}, after={"status": "verified"})
    for guardian_id in children.guardians_of(check.child_id):
        notify(guardian_id, "health_check_verified", check_id=check.id, result=check.result,
               child=check.child.name, child_id=check.child_id)
    db.session.flush()


@command
def read(check_id: int, user, reason: str | None = None, now=None) -> HealthCheck:
    """A health record for someone allowed to see it. Staff and regulator reads are logged;
    a regulator must state a reason (PIPL: sensitive personal information).

    :raises NotFound: not allowed (strangers learn nothing; a regulator: outside its
        jurisdiction, the child being no child of its centres). :raises Forbidden: no reason.
    """
    check = db.session.get(HealthCheck, check_id)
    if check is None:
        raise NotFound()
    if user.role == "parent" and children.is_guardian(user, check.child_id):
        return check
    if user.role == "staff" and staff_may_act(user, check.child_id, now):
        record("health_check.read", check, actor=user, centre_id=user.centre_id)
        db.session.commit()
        return check
    if user.role == "regulator":
        # Outside the jurisdiction the record is missing, before any reason is asked for.
        centre_id = child_centre(user, check.child_id)
        if centre_id is None and not is_national(user):
            raise NotFound()
        if not reason or not reason.strip():
            raise Forbidden(_("查看个人健康记录须说明理由"))
        record("health_check.read", check, actor=user, centre_id=centre_id,
               reason=reason.strip()[:400])
        db.session.commit()
        return check
    raise NotFound()


def regulator_may_open(user, check_id: int) -> bool:
    """Would `read` open this record for the regulator once a reason is given? (The reason
    page is shown only for records inside the jurisdiction; others are missing.)"""
    check = db.session.get(HealthCheck, check_id)
    return check is not None and holds_child(user, check.child_id)


@command
def read_list(checks: list[HealthCheck], user) -> list[HealthCheck]:
    """Records a staff list page shows (results included): one read entry for each, as
    `read` writes for a single record. Callers have decided the user may see them."""
    if user.role == "staff" and checks:
        record_many([{"action": "health_check.read", "entity_type": HealthCheck.__tablename__,
                      "entity_id": c.id, "centre_id": user.centre_id, "actor_id": user.id}
                     for c in checks])
        db.session.commit()
    return checks


def checks_of_child(child_id: int) -> list[HealthCheck]:
    """A child's checks, newest first. Callers decide who may see them (read's rules)."""
    return db.session.scalars(select(HealthCheck).where(HealthCheck.child_id == child_id)
                              .order_by(HealthCheck.examined_on.desc(),
                                        HealthCheck.id.desc())).all()


def may_see_child(user, child_id: int, now=None) -> bool:
    """Guardians and staff of a centre holding a place for the child (not regulators:
    they open one record at a time, with a reason)."""
    return ((user.role == "parent" and children.is_guardian(user, child_id))
            or staff_may_act(user, child_id, now))


def checks_for_centre(centre_id: int, now=None) -> list[HealthCheck]:
    """Checks of the children a centre holds a live place for, unverified first."""
    now = now or clock_now()
    child_ids = select(Reservation.child_id).join(Slot).where(
        Slot.centre_id == centre_id, live_at(now))
    return db.session.scalars(select(HealthCheck).where(HealthCheck.child_id.in_(child_ids))
                              .order_by((HealthCheck.status != "submitted"),
                                        HealthCheck.submitted_at.desc())).all()


@dataclass(frozen=True)
class Readiness:
    """What a held place still needs before the centre can confirm it (入托体检 on the start
    date). `earliest_exam_on` is the first examination date whose validity covers the start."""

    state: str  # ready | awaiting_verification | expires_before_start | not_passed | vaccination | missing
    check: HealthCheck | None
    starts_on: date
    earliest_exam_on: date


def valid_days_for(slot: Slot) -> int:
    policy = policy_for(slot.centre.district.city)
    return policy.health_check_valid_days if policy else DEFAULT_VALID_DAYS


def intake_readiness(child_id: int, slot: Slot) -> Readiness:
    """Tell the family (and the centre) precisely what is missing, so that nobody learns it
    only when the confirmation is refused."""
    starts_on = slot.starts_on
    earliest = starts_on - timedelta(days=valid_days_for(slot))
    latest = db.session.scalars(select(HealthCheck).where(
        HealthCheck.child_id == child_id, HealthCheck.status != "rejected")
        .order_by(HealthCheck.examined_on.desc(), HealthCheck.id.desc()).limit(1)).first()
    if has_valid_health_check(child_id, starts_on):
        state = "ready"
    elif latest is None:
        state = "missing"
    elif latest.valid_until < starts_on:
        state = "expires_before_start"
    elif latest.result != "pass":
        state = "not_passed"
    elif not latest.vaccination_verified:
        state = "vaccination"
    elif latest.status == "submitted":
        state = "awaiting_verification"
    else:
        state = "missing"
    return Readiness(state, latest, starts_on, earliest)


def places_starting_after(check: HealthCheck, now=None) -> list[Slot]:
    """The child's live holds whose start date this check will no longer cover, so the family
    hears it when entering the check, not when the confirmation is refused."""
    now = now or clock_now()
    return list(db.session.scalars(select(Slot).join(Reservation).where(
        Reservation.child_id == check.child_id, held_at(now),
        Slot.starts_on > check.valid_until)
        .order_by(Slot.starts_on)))


def has_valid_health_check(child_id: int, on_date) -> bool:
    """入托体检 (76号令 art. 15; docs/domain.md, "Health"): verified, passed,
    vaccination record checked, and still valid on the start date."""
    return db.session.scalar(select(HealthCheck.id).where(
        HealthCheck.child_id == child_id, HealthCheck.status == "verified",
        HealthCheck.result == "pass", HealthCheck.vaccination_verified.is_(True),
        HealthCheck.examined_on <= on_date, HealthCheck.valid_until >= on_date).limit(1)) is not None


def to_verify_count(centre_id: int, now=None) -> int:
    """Intake checks submitted for children the centre holds a place for and not yet
    verified (the staff's home; the list is checks_for_centre)."""
    now = now or clock_now()
    child_ids = select(Reservation.child_id).join(Slot).where(
        Slot.centre_id == centre_id, live_at(now))
    return db.session.scalar(select(func.count(HealthCheck.id)).where(
        HealthCheck.child_id.in_(child_ids), HealthCheck.status == "submitted")) or 0
