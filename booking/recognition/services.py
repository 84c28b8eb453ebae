"""The rules of a recognition (docs/recognition.md): a director applies, the district's
regulators grant (with a term) or refuse with a reason, and may withdraw a grant with a reason;
a grant ends by itself at `valid_until`. Each command is one transaction with its audit event;
a refusal leaves nothing changed.

applied → granted | refused; granted → withdrawn | expired.
"""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..audit.services import notify, record
from ..auth.recipients import directors_of
from ..centres.models import Centre
from ..clock import now, today
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import holds_centre
from ..transactions import command
from . import queries
from .models import KINDS, REASON_MAX, TERM_YEARS, Recognition

MIGRATED = "迁移：原有登记"


def term_end(start: date, years: int = TERM_YEARS) -> date:
    """The last day of a term of `years` from `start` (29 February falls back to the 28th)."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:
        end = start.replace(year=start.year + years, day=28)
    return end - timedelta(days=1)


def refresh_flags(centre: Centre, day=None) -> None:
    """Set the cached flags from the grants in force on `day` (the decision is the truth)."""
    held = queries.recognised(centre, day)
    centre.affordable = held["affordable"] is not None
    centre.star_rating = held["star"].stars if held["star"] else 0


def _reason(value, errors, required=True):
    value = (value or "").strip()
    if required and not value:
        errors["reason"] = [_("请说明理由")]
    elif len(value) > REASON_MAX:
        errors["reason"] = [_("最多 %(n)s 个字符", n=REASON_MAX)]
    return value or None


def _lock_centre(centre_id: int) -> None:
    """Write the centre's row first, so two applications at once are serialised."""
    db.session.execute(update(Centre).where(Centre.id == centre_id)
                       .values(affordable=Centre.affordable)
                       .execution_options(synchronize_session=False))


def _lock(recognition_id: int) -> None:
    """Write the recognition's row first (a no-op change that takes its lock): two regulators
    deciding at once are serialised and the second sees the first's decision."""
    db.session.execute(update(Recognition).where(Recognition.id == recognition_id)
                       .values(status=Recognition.status)
                       .execution_options(synchronize_session=False))
    rec = db.session.get(Recognition, recognition_id)
    if rec is not None:
        db.session.refresh(rec)


def for_regulator(recognition_id: int, user) -> Recognition:
    """:raises NotFound: no such recognition, or its centre outside `user`'s jurisdiction."""
    rec = db.session.get(Recognition, recognition_id)
    if rec is None or not holds_centre(user, rec.centre):
        raise NotFound()
    return rec


def centre_for(centre_id: int, user) -> Centre:
    """The centre as `user` may see its recognitions: its own staff, or a regulator holding it.
    :raises NotFound: otherwise."""
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotFound()
    if user.role == "staff" and user.centre_id == centre.id:
        return centre
    if user.role == "admin" or (user.role == "regulator" and holds_centre(user, centre)):
        return centre
    raise NotFound()


@command
def apply(centre_id: int, director, *, kind, stars=None) -> Recognition:
    """A director applies for 普惠 recognition or for `stars` stars.
    :raises NotFound: not the director's centre. :raises ValidationFailed: bad kind or stars.
    :raises Conflict: an application of that kind is open, or a grant runs more than
        RENEW_DAYS longer."""
    centre = db.session.get(Centre, centre_id)
    if centre is None or director.centre_id != centre_id:
        raise NotFound()
    errors = {}
    if kind not in KINDS:
        errors["kind"] = [_("请选择认定类别")]
    if kind == "star" and (not isinstance(stars, int) or not 1 <= stars <= 5):
        errors["stars"] = [_("星级应在 1 到 5 之间")]
    if errors:
        raise ValidationFailed(errors=errors)
    _lock_centre(centre_id)
    if db.session.scalar(select(Recognition.id).where(
            Recognition.centre_id == centre_id, Recognition.kind == kind,
            Recognition.status == "applied")):
        raise Conflict(_("已有一份待审批的申请"))
    latest = queries.latest_granted(centre_id, kind)
    if latest is not None and latest.valid_until >= today() and not queries.renewable(latest):
        raise Conflict(_("认定有效期届满前 90 天内才能申请续期"))
    rec = Recognition(centre_id=centre_id, kind=kind, stars=stars if kind == "star" else None,
                      status="applied", applied_at=now(), applied_by=director.id)
    db.session.add(rec)
    record("recognition.applied", rec, actor=director, centre_id=centre_id,
           after={"kind": kind, "stars": rec.stars})
    db.session.commit()
    return rec


def _decided(rec, regulator, status, reason=None):
    rec.status, rec.decided_at, rec.decided_by, rec.reason = status, now(), regulator.id, reason
    for uid in directors_of(rec.centre_id):
        notify(uid, "recognition_decided", recognition_id=rec.id, centre=rec.centre.name,
               what=rec.kind, stars=rec.stars, status=status,
               valid_until=rec.valid_until.isoformat() if rec.valid_until else None)


@command
def grant(recognition_id: int, regulator, *, valid_from=None, valid_until=None) -> Recognition:
    """Grant for a term: by default from today (or, for a renewal, the day after the current
    grant ends) for TERM_YEARS. :raises NotFound: outside the jurisdiction.
    :raises Conflict: already decided. :raises ValidationFailed: a term that ends before it
    starts, or starts inside the current grant."""
    _lock(recognition_id)
    rec = for_regulator(recognition_id, regulator)
    if rec.status != "applied":
        raise Conflict(_("该申请已处理"))
    latest = queries.latest_granted(rec.centre_id, rec.kind)
    follows = latest.valid_until + timedelta(days=1) if latest and latest.valid_until >= today() \
        else None
    start = valid_from or follows or today()
    end = valid_until or term_end(start)
    errors = {}
    if end < start:
        errors["valid_until"] = [_("有效期截止日不能早于起始日")]
    if follows and start < follows:
        errors["valid_from"] = [_("续期须从现有认定届满次日（%(d)s）起", d=follows.isoformat())]
    if errors:
        raise ValidationFailed(errors=errors)
    rec.valid_from, rec.valid_until = start, end
    _decided(rec, regulator, "granted")
    db.session.flush()
    refresh_flags(rec.centre)
    record("recognition.granted", rec, actor=regulator, centre_id=rec.centre_id,
           before={"status": "applied"},
           after={"status": "granted", "kind": rec.kind, "stars": rec.stars,
                  "valid_from": start, "valid_until": end})
    db.session.commit()
    return rec


@command
def refuse(recognition_id: int, regulator, *, reason) -> Recognition:
    """:raises NotFound, Conflict (already decided), ValidationFailed (no reason)."""
    _lock(recognition_id)
    rec = for_regulator(recognition_id, regulator)
    if rec.status != "applied":
        raise Conflict(_("该申请已处理"))
    errors = {}
    reason = _reason(reason, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    _decided(rec, regulator, "refused", reason)
    record("recognition.refused", rec, actor=regulator, centre_id=rec.centre_id,
           before={"status": "applied"}, after={"status": "refused"}, reason=reason)
    db.session.commit()
    return rec


@command
def withdraw(recognition_id: int, regulator, *, reason) -> Recognition:
    """Withdraw a grant (in force or still to come) from today.
    :raises NotFound, Conflict (not granted, or ended), ValidationFailed (no reason)."""
    _lock(recognition_id)
    rec = for_regulator(recognition_id, regulator)
    if rec.status != "granted" or rec.valid_until < today():
        raise Conflict(_("只能撤销有效的认定"))
    errors = {}
    reason = _reason(reason, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    rec.ended_at = now()
    _decided(rec, regulator, "withdrawn", reason)
    db.session.flush()
    refresh_flags(rec.centre)
    record("recognition.withdrawn", rec, actor=regulator, centre_id=rec.centre_id,
           before={"status": "granted"}, after={"status": "withdrawn"}, reason=reason)
    db.session.commit()
    return rec


@command
def expire_recognitions(day=None) -> int:
    """Mark grants past their term expired and clear the cached flags (idempotent). Reads
    never wait for it: they ask `queries.in_force*`, which stops at valid_until anyway."""
    day = day or today()
    ended = db.session.scalars(select(Recognition).where(
        Recognition.status == "granted", Recognition.valid_until < day)).all()
    centres = {}
    for rec in ended:
        rec.status, rec.ended_at = "expired", now()
        centres[rec.centre_id] = rec.centre
        record("recognition.expired", rec, centre_id=rec.centre_id,
               before={"status": "granted"}, after={"status": "expired"})
    db.session.flush()
    # A grant dated to start later (a renewal, or a term from a chosen day) begins by itself.
    stale = select(Centre).join(Recognition, Recognition.centre_id == Centre.id).where(
        Recognition.status == "granted", Recognition.valid_from <= day,
        Recognition.valid_until >= day,
        ((Recognition.kind == "affordable") & Centre.affordable.is_(False))
        | ((Recognition.kind == "star") & (Centre.star_rating != Recognition.stars)))
    for centre in db.session.scalars(stale).unique():
        centres.setdefault(centre.id, centre)
    for centre in centres.values():
        refresh_flags(centre, day)
    db.session.commit()
    return len(ended)


def seed_grant(centre: Centre, kind: str, stars=None, actor=None) -> Recognition:
    """A grant entered with the centre (seeds, imports, tests): the centre's record as it was
    before recognition was a decision. Not committed: the caller's transaction holds it."""
    start = (centre.created_at or now()).date()
    rec = Recognition(centre_id=centre.id, kind=kind, stars=stars, status="granted",
                      applied_at=now(), decided_at=now(), decided_by=actor.id if actor else None,
                      valid_from=start, valid_until=term_end(start), reason=MIGRATED)
    db.session.add(rec)
    return rec
