"""Creating and changing slots; the rules a centre's places must keep."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.services import record
from ..centres.bands import AGE_BANDS
from ..centres.models import Centre, Group
from ..centres.services import policy_for
from ..clock import now as clock_now
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..transactions import command
from .models import Slot
from .queries import taken_count


def _check_fee_cap(centre: Centre, age_band: str, category: str, fee_fen: int):
    """政府指导价: an affordable place's fee may not exceed the city's cap (docs/domain.md, Fees)."""
    if category != "affordable":
        return
    policy = policy_for(centre.district.city)
    cap = policy.affordable_cap_fen(age_band) if policy else None
    if cap is not None and fee_fen > cap:
        raise ValidationFailed(errors={"monthly_fee_fen": [
            _("普惠托位月费不能超过本市指导价 %(cap)s 元", cap=f"{cap / 100:,.0f}")]})


def _check_group_size(group: Group | None, age_band: str, extra: int, exclude_slot=None):
    """设置标准 art. 19: a class's slots together may not exceed its maximum size."""
    if group is None:
        return
    if group.age_band != age_band:
        raise ValidationFailed(errors={"age_band": [_("班型与所属班级不一致")]})
    stmt = select(func.coalesce(func.sum(Slot.capacity), 0)).where(Slot.group_id == group.id)
    if exclude_slot is not None:
        stmt = stmt.where(Slot.id != exclude_slot.id)
    used = db.session.scalar(stmt)
    limit = min(group.max_size, AGE_BANDS[age_band].max_class_size)
    if used + extra > limit:
        raise ValidationFailed(errors={"capacity": [
            _("班级“%(name)s”最多 %(max)s 人，已有 %(used)s 个托位", name=group.name, max=limit,
              used=used)]})


@command
def create_slot(*, centre: Centre, age_band: str, care_type: str, category: str, capacity: int,
                monthly_fee_fen: int, starts_on: date, group_id=None, actor=None) -> Slot:
    """:raises ValidationFailed: fee over the cap, class over its national size, bad group."""
    group = None
    if group_id is not None:
        group = db.session.get(Group, group_id)
        if group is None or group.centre_id != centre.id:
            raise ValidationFailed(errors={"group_id": [_("班级不存在")]})
    if centre.kind == "kindergarten_class" and age_band != "preschool":
        raise ValidationFailed(errors={"age_band": [_("幼儿园托班只招收 2–3 岁幼儿")]})
    _check_fee_cap(centre, age_band, category, monthly_fee_fen)
    _check_group_size(group, age_band, capacity)
    slot = Slot(centre_id=centre.id, group_id=group_id, age_band=age_band, care_type=care_type,
                category=category, capacity=capacity, monthly_fee_fen=monthly_fee_fen,
                starts_on=starts_on, created_at=clock_now())
    db.session.add(slot)
    record("slot.created", slot, actor=actor, centre_id=centre.id,
           after={"age_band": age_band, "care_type": care_type, "category": category,
                  "capacity": capacity, "monthly_fee_fen": monthly_fee_fen,
                  "starts_on": starts_on})
    db.session.commit()
    return slot


@command
def change_slot(slot_id: int, *, capacity=None, monthly_fee_fen=None, actor=None, now=None) -> Slot:
    """Change capacity or fee. Capacity may not drop below what is held plus enrolled.

    The slot row is written first so no booking can slip in between the count and the change.
    :raises Conflict: capacity below the places taken. :raises ValidationFailed: fee over cap.
    """
    from ..employers.services import quota_total
    from ..places.locking import lock_slot
    from ..waitlists.services import offer_next

    now = now or clock_now()
    slot = lock_slot(slot_id)
    before = {"capacity": slot.capacity, "monthly_fee_fen": slot.monthly_fee_fen}
    if capacity is not None:
        taken = taken_count(slot.id, now)
        if capacity < taken:
            raise Conflict(_("容量不能少于已预留和已入托的 %(n)s 个托位", n=taken),
                           errors={"capacity": [_("不能少于 %(n)s", n=taken)]})
        reserved = quota_total(slot.id)
        if capacity < reserved:
            raise Conflict(_("容量不能少于用人单位名额合计 %(n)s 个", n=reserved),
                           errors={"capacity": [_("不能少于 %(n)s", n=reserved)]})
        _check_group_size(slot.group, slot.age_band, capacity, exclude_slot=slot)
        slot.capacity = capacity
    if monthly_fee_fen is not None:
        _check_fee_cap(slot.centre, slot.age_band, slot.category, monthly_fee_fen)
        slot.monthly_fee_fen = monthly_fee_fen
    record("slot.changed", slot, actor=actor, centre_id=slot.centre_id, before=before,
           after={"capacity": slot.capacity, "monthly_fee_fen": slot.monthly_fee_fen})
    offer_next(slot, now)  # a raised capacity goes to the waitlist first
    db.session.commit()
    return slot
