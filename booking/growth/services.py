"""Growth measurements (生长发育监测): entered by the guardians, or by the centre's director or
health worker; z-scores against the WHO 2006 standards; a measurement below −2 SD flags the
child to its guardians and the centre's health worker (docs/growth.md)."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import notify_many, record
from ..auth.models import User
from ..children import services as children
from ..children.models import Child
from ..clock import now as clock_now
from ..clock import today
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..health.models import HealthCheck
from ..transactions import command
from . import access, standards
from .models import GrowthMeasurement

READ, RECORD = "growth.read", "growth.record"
HEIGHT_RANGE, WEIGHT_RANGE = (40, 130), (1, 40)
# What each kind of account may say about who measured.
_MEASURERS = {"parent": ("guardian", "institution"), "staff": ("centre", "institution")}
# The WHO short names: language-neutral, so a notice reads the same in any language.
SHORT = {"wfa": "WAZ", "lhfa": "HAZ", "wflh": "WHZ"}


@dataclass(frozen=True)
class Point:
    """One point of a child's growth: a measurement, or the intake health check's numbers."""

    measured_on: date
    age_days: int
    height_cm: float | None
    weight_kg: float | None
    measured_by: str  # guardian | centre | institution | intake
    z: standards.ZScores
    measurement_id: int | None = None
    check_id: int | None = None

    @property
    def age_months(self) -> float:
        return self.age_days / standards.DAYS_PER_MONTH


@dataclass
class Growth:
    child: Child
    points: list[Point] = field(default_factory=list)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def flagged(self) -> bool:
        """The latest point is below −2 SD on any indicator."""
        return self.latest is not None and self.latest.z.flagged


def _number(value, low, high, name, message, errors) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[name] = [_("请填写数字")]
        return None
    if not low <= number <= high:
        errors[name] = [message]
        return None
    return number


def _check(child: Child, actor, measured_on, height_cm, weight_kg, measured_by) -> dict:
    errors: dict[str, list] = {}
    height = _number(height_cm, *HEIGHT_RANGE, "height_cm",
                     _("身长/身高应在 40–130 厘米之间"), errors)
    weight = _number(weight_kg, *WEIGHT_RANGE, "weight_kg", _("体重应在 1–40 千克之间"), errors)
    if height_cm is None and weight_kg is None:
        errors["height_cm"] = [_("请至少填写身长/身高或体重")]
    if measured_on is None:
        errors["measured_on"] = [_("请填写测量日期")]
    elif measured_on > today():
        errors["measured_on"] = [_("测量日期不能晚于今天")]
    elif measured_on < child.birth_date:
        errors["measured_on"] = [_("测量日期不能早于出生日期")]
    allowed = _MEASURERS[actor.role]
    measured_by = measured_by or allowed[0]
    if measured_by not in allowed:
        errors["measured_by"] = [_("请选择测量者")]
    if errors:
        raise ValidationFailed(errors=errors)
    return {"measured_on": measured_on, "height_cm": None if height is None else round(height, 1),
            "weight_kg": None if weight is None else round(weight, 2),
            "measured_by": measured_by}


def _zscores(child: Child, m) -> standards.ZScores:
    return standards.zscores(child.sex, child.birth_date, m.measured_on, height_cm=m.height_cm,
                             weight_kg=m.weight_kg)


def _health_workers(child_id: int) -> list[int]:
    """The health workers (保健人员) of the centres caring for the child; a centre without one
    hears through its director, so the flag never falls on nobody."""
    ids = []
    for centre_id in access.caring_centres(child_id):
        staff = db.session.execute(select(User.id, User.staff_role).where(
            User.centre_id == centre_id, User.role == "staff", User.active.is_(True),
            User.deleted_at.is_(None), User.staff_role.in_(("health", "director")))).all()
        health = [uid for uid, role in staff if role == "health"]
        ids += health or [uid for uid, role in staff if role == "director"]
    return ids


def _flag(child: Child, m: GrowthMeasurement, z: standards.ZScores, actor) -> None:
    """Below −2 SD: the guardians and the centre's health worker(s) hear at once, and the
    flag is in the audit log. Only flushes."""
    what = ", ".join(f"{SHORT[k]} {getattr(z, k):+.2f}" for k in z.below)
    params = {"child": child.name, "child_id": child.id, "measurement_id": m.id,
              "measured_on": m.measured_on.isoformat(), "what": what, "below": z.below}
    recipients = list(dict.fromkeys(children.guardians_of(child.id) + _health_workers(child.id)))
    notify_many([{"user_id": uid, "kind": "growth_flag", "params": params}
                 for uid in recipients])
    record("growth.flagged", m, actor=actor, centre_id=m.centre_id,
           after={"child_id": child.id, "below": z.below, "notified": len(recipients)})


@command
def record_measurement(child_id: int, actor, *, measured_on: date | None, height_cm=None,
                       weight_kg=None, measured_by: str | None = None,
                       now=None) -> GrowthMeasurement:
    """A guardian (measured at home or read from a health institution's check-up) or the
    director or health worker of a centre caring for the child records a measurement. Its
    z-scores are computed at once; below −2 SD on any indicator flags the child.

    :raises NotFound: not their child / not a child in their care (another centre's: 404).
    :raises ValidationFailed: a height outside 40–130 cm, a weight outside 1–40 kg, neither
        given, a day in the future or before birth, an unknown measurer.
    """
    child = access.child_for(actor, child_id, RECORD, now)
    fields = _check(child, actor, measured_on, height_cm, weight_kg, measured_by)
    m = GrowthMeasurement(child_id=child_id, entered_by=actor.id,
                          centre_id=actor.centre_id if actor.role == "staff" else None,
                          created_at=now or clock_now(), **fields)
    z = _zscores(child, m)
    m.z_wfa, m.z_lhfa, m.z_wflh = z.wfa, z.lhfa, z.wflh
    db.session.add(m)
    db.session.flush()
    record("growth.measured", m, actor=actor, centre_id=m.centre_id,
           after={"child_id": child_id, "measured_on": m.measured_on,
                  "measured_by": m.measured_by})
    if z.flagged:
        _flag(child, m, z, actor)
    db.session.commit()
    return m


def record_from_exam(child: Child, doctor, *, measured_on: date, height_cm, weight_kg,
                     now=None) -> GrowthMeasurement:
    """The signed intake examination's height and weight (exams/results.sign), measured by
    the institution, with z-scores and the −2 SD flag as any measurement. Only flushes: the
    signature commits it."""
    m = GrowthMeasurement(child_id=child.id, entered_by=doctor.id, centre_id=None,
                          measured_on=measured_on, height_cm=height_cm, weight_kg=weight_kg,
                          measured_by="institution", created_at=now or clock_now())
    z = _zscores(child, m)
    m.z_wfa, m.z_lhfa, m.z_wflh = z.wfa, z.lhfa, z.wflh
    db.session.add(m)
    db.session.flush()
    record("growth.measured", m, actor=doctor,
           after={"child_id": child.id, "measured_on": measured_on, "measured_by": "institution"})
    if z.flagged:
        _flag(child, m, z, doctor)
    return m


@command
def set_sex(child_id: int, actor, sex: str, now=None) -> Child:
    """A guardian records the child's sex, which the WHO standards need (there is one table
    for girls and one for boys). The measurements taken so far get their z-scores; the latest,
    if now below −2 SD, flags as a new one would.

    :raises NotFound: not their child. :raises Forbidden: staff (the family says it).
    :raises ValidationFailed: neither f nor m.
    """
    child = access.child_for(actor, child_id, RECORD, now)
    if actor.role != "parent":
        raise Forbidden(_("孩子的性别由监护人填写"))
    if sex not in ("f", "m"):
        raise ValidationFailed(errors={"sex": [_("请选择性别")]})
    before = child.sex
    child.sex = sex
    rows = db.session.scalars(select(GrowthMeasurement).where(
        GrowthMeasurement.child_id == child_id)
        .order_by(GrowthMeasurement.measured_on, GrowthMeasurement.id)).all()
    z = None
    for m in rows:
        z = _zscores(child, m)
        m.z_wfa, m.z_lhfa, m.z_wflh = z.wfa, z.lhfa, z.wflh
    record("child.sex_set", child, actor=actor, before={"sex": before}, after={"sex": sex})
    if rows and before != sex and z.flagged:
        _flag(child, rows[-1], z, actor)
    db.session.commit()
    return child


def _stored(m: GrowthMeasurement) -> standards.ZScores:
    return standards.ZScores(wfa=m.z_wfa, lhfa=m.z_lhfa, wflh=m.z_wflh)


def points_of(child: Child) -> list[Point]:
    """The child's points, oldest first: the intake checks' heights and weights (rejected
    checks left out, and those an institution signed: their numbers are its measurement),
    then every measurement. Callers decide who may see them."""
    points = []
    for c in db.session.scalars(select(HealthCheck).where(
            HealthCheck.child_id == child.id, HealthCheck.status != "rejected",
            HealthCheck.source != "institution",
            (HealthCheck.height_cm.is_not(None)) | (HealthCheck.weight_kg.is_not(None)))):
        points.append(Point(c.examined_on, (c.examined_on - child.birth_date).days,
                            c.height_cm, c.weight_kg, "intake",
                            standards.zscores(child.sex, child.birth_date, c.examined_on,
                                              height_cm=c.height_cm, weight_kg=c.weight_kg),
                            check_id=c.id))
    for m in db.session.scalars(select(GrowthMeasurement).where(
            GrowthMeasurement.child_id == child.id)):
        z = _stored(m) if child.sex else standards.ZScores(missing="sex")
        if z.wfa is None and z.lhfa is None and z.wflh is None and child.sex:
            z = _zscores(child, m)  # stored before the table covered it (age), say why
        points.append(Point(m.measured_on, (m.measured_on - child.birth_date).days,
                            m.height_cm, m.weight_kg, m.measured_by, z, measurement_id=m.id))
    points.sort(key=lambda p: (p.measured_on, p.measurement_id or 0))
    return points


@command
def growth_of(child_id: int, user, *, where: str = "child", now=None) -> Growth:
    """A child's growth for a guardian or the care staff of its centre; a staff read is logged.

    :raises NotFound: anyone else.
    """
    child = access.child_for(user, child_id, READ, now)
    growth = Growth(child, points_of(child))
    if user.role == "staff":
        access.log_staff_reads(user, "growth.read", [child_id], where=where)
        db.session.commit()
    return growth


def may_record(user, child_id: int) -> bool:
    try:
        access.child_for(user, child_id, RECORD)
    except NotFound:
        return False
    return True
