"""Registering a centre's employers and setting a slot's quotas (docs/employers.md).

The quotas of a slot together never exceed its capacity. They are set under the slot's lock
(the first write, docs/design.md, Locking), which capacity changes and bookings also take, so
the sum checked is the sum stored."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.permissions import can
from ..centres.models import Centre
from ..clock import local_date
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..operators import credit_code as codes
from ..places.locking import lock_slot
from ..slots.models import Slot
from ..transactions import command
from .models import Employer, EmployerQuota

FIELDS = ("name", "credit_code", "contact_name", "contact_phone")


def own_centre(actor, centre_id: int, action: str = "employer.manage") -> Centre:
    centre = db.session.get(Centre, centre_id)
    if centre is None or not can(actor, action, centre):
        raise NotFound()
    return centre


@command
def register_employer(actor, centre_id: int, *, name: str, credit_code: str,
                      contact_name: str | None = None, contact_phone: str | None = None
                      ) -> Employer:
    """:raises ValidationFailed: no name, a wrong credit code. :raises Conflict: registered."""
    centre = own_centre(actor, centre_id)
    errors: dict = {}
    name = (name or "").strip()
    code = codes.normalise(credit_code)
    if not name:
        errors["name"] = [_("请填写用人单位名称")]
    if not codes.is_valid(code):
        errors["credit_code"] = [_("统一社会信用代码应为 18 位，且校验位正确（GB 32100-2015）")]
    if errors:
        raise ValidationFailed(errors=errors)
    if db.session.scalar(select(Employer.id).where(Employer.centre_id == centre.id,
                                                   Employer.credit_code == code)):
        raise Conflict(_("本机构已登记该用人单位"), errors={"credit_code": [_("已登记")]})
    e = Employer(centre_id=centre.id, name=name, credit_code=code,
                 contact_name=(contact_name or "").strip() or None,
                 contact_phone=(contact_phone or "").strip() or None,
                 created_by=actor.id, created_at=clock_now())
    db.session.add(e)
    try:
        db.session.flush()
    except IntegrityError:  # a second request registered it meanwhile; @command rolls back
        raise Conflict(_("本机构已登记该用人单位")) from None
    record("employer.registered", e, actor=actor, centre_id=centre.id,
           after={"name": name, "credit_code": code})
    db.session.commit()
    return e


@command
def set_quotas(actor, slot_id: int, quotas: list[dict], now=None) -> list[EmployerQuota]:
    """Replace a slot's quotas with `quotas` ([{employer_id, places, reserved_until}]).

    :raises NotFound: not the actor's slot. :raises ValidationFailed: an employer not the
        centre's or named twice, places below 1, a cut-off before today.
    :raises Conflict: the quotas together above the slot's capacity.
    """
    now = now or clock_now()
    slot = db.session.get(Slot, slot_id)
    if slot is None or not can(actor, "employer.manage", slot.centre_id):
        raise NotFound()
    slot = lock_slot(slot_id)
    errors: dict = {}
    seen = set()
    for i, q in enumerate(quotas):
        e = db.session.get(Employer, q["employer_id"])
        if e is None or e.centre_id != slot.centre_id:
            errors[f"quotas.{i}.employer_id"] = [_("用人单位不存在")]
        elif e.id in seen:
            errors[f"quotas.{i}.employer_id"] = [_("同一用人单位只能有一个名额")]
        seen.add(q["employer_id"])
        if not isinstance(q["places"], int) or q["places"] < 1:
            errors[f"quotas.{i}.places"] = [_("名额至少为 1")]
        until: date | None = q.get("reserved_until")
        if until is not None and until < local_date(now):
            errors[f"quotas.{i}.reserved_until"] = [_("保留截止日期不能早于今天")]
    if errors:
        raise ValidationFailed(errors=errors)
    total = sum(q["places"] for q in quotas)
    if total > slot.capacity:
        raise Conflict(_("各单位名额合计 %(n)s 个，超过托位数 %(cap)s", n=total, cap=slot.capacity),
                       errors={"quotas": [_("名额合计不能超过托位数 %(cap)s", cap=slot.capacity)]})
    before = _shown(slot.id)
    db.session.execute(delete(EmployerQuota).where(EmployerQuota.slot_id == slot.id))
    rows = [EmployerQuota(slot_id=slot.id, employer_id=q["employer_id"], places=q["places"],
                          reserved_until=q.get("reserved_until"), created_at=now)
            for q in quotas]
    db.session.add_all(rows)
    db.session.flush()
    record("slot.quotas_set", slot, actor=actor, centre_id=slot.centre_id,
           before={"quotas": before}, after={"quotas": _shown(slot.id)})
    db.session.commit()
    return rows


def _shown(slot_id: int) -> list[dict]:
    return [{"employer_id": q.employer_id, "places": q.places,
             "reserved_until": q.reserved_until.isoformat() if q.reserved_until else None}
            for q in db.session.scalars(select(EmployerQuota).where(
                EmployerQuota.slot_id == slot_id).order_by(EmployerQuota.employer_id))]


def quota_total(slot_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(EmployerQuota.places), 0))
                             .where(EmployerQuota.slot_id == slot_id)) or 0
