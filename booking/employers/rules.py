"""The booking rule of employer quotas (docs/employers.md): a place reserved for an employer's
employees goes to a child linked to that employer, or to anyone after the quota's cut-off.

Called by reservations.services.place_hold under the slot's lock, after the capacity count,
so the places counted here cannot change before the hold is written."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import ValidationFailed
from ..extensions import db
from .models import EmployerQuota
from .queries import LINK_TIER, linked_employer, quota_use


def open_places(slot_id: int, child_id: int, free: int, now) -> int:
    """Of `free` places, those this child may take: all but the unused quota places of the
    employers it is not linked to, before their cut-off."""
    rows = quota_use(slot_id, now)
    if not rows:
        return free
    mine = linked_employer(slot_id, child_id)
    return free - sum(r["free"] for r in rows if r["reserving"] and r["employer"].id != mine)


def has_quotas_clause(slot_id: int):
    """True when employers hold quotas of the slot's places, as a SQL expression (for a
    combined read; open_places then counts them)."""
    return select(EmployerQuota.id).where(EmployerQuota.slot_id == slot_id).exists()


def refusal(reserved: int) -> str:
    return _("其余 %(n)s 个托位为用人单位职工子女保留：可以加入候补", n=reserved)


def check_employer(slot_id: int, tier: str | None, employer_id: int | None) -> None:
    """An `employer_staff` claim names its employer among the slot's quota employers, when
    the slot has quotas; no other claim names one.
    :raises ValidationFailed."""
    if employer_id is None:
        if tier == LINK_TIER and quota_employers(slot_id):
            raise ValidationFailed(errors={"employer_id": [_("请选择您工作的用人单位")]})
        return
    if tier != LINK_TIER:
        raise ValidationFailed(errors={"employer_id": [_("只有申报“用人单位职工”时才选择用人单位")]})
    if employer_id not in quota_employers(slot_id):
        raise ValidationFailed(errors={"employer_id": [_("该托位没有这个用人单位的名额")]})


def quota_employers(slot_id: int) -> set[int]:
    return set(db.session.scalars(select(EmployerQuota.employer_id)
                                  .where(EmployerQuota.slot_id == slot_id)))
