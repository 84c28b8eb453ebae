"""Quota use (docs/employers.md): per employer of a slot, its places reserved, used (the live
places of children linked to it) and free; and how many places a slot still holds back.

A child is linked to an employer by the family's `employer_staff` claim on the slot's waitlist
naming it; a claim the centre rejects loses the link with the tier
(waitlists.services.check_evidence). Reads only; the booking rule that uses these counts runs under the slot lock
(rules.py)."""
from sqlalchemy import func, select

from ..clock import local_date
from ..clock import now as clock_now
from ..errors import NotFound
from ..extensions import db
from ..reservations.models import Reservation, live_at
from ..waitlists.models import WaitlistEntry
from .models import Employer, EmployerQuota

LINK_TIER = "employer_staff"


def linked_employer(slot_id: int, child_id: int) -> int | None:
    """The employer a child's claim on this slot names, if the claim stands."""
    return db.session.scalar(select(WaitlistEntry.employer_id).where(
        WaitlistEntry.slot_id == slot_id, WaitlistEntry.child_id == child_id,
        WaitlistEntry.employer_id.is_not(None))
        .order_by(WaitlistEntry.id.desc()).limit(1))


def used_by_employer(slot_id: int, now) -> dict[int, int]:
    """{employer_id: live places at the slot of children linked to it}."""
    linked = (select(WaitlistEntry.child_id, WaitlistEntry.employer_id)
              .where(WaitlistEntry.slot_id == slot_id,
                     WaitlistEntry.employer_id.is_not(None)).distinct().subquery())
    rows = db.session.execute(
        select(linked.c.employer_id, func.count(func.distinct(Reservation.id)))
        .join(Reservation, Reservation.child_id == linked.c.child_id)
        .where(Reservation.slot_id == slot_id, live_at(now))
        .group_by(linked.c.employer_id)).all()
    return dict(rows)


def slots_with_quotas(slot_ids) -> set[int]:
    return set(db.session.scalars(select(EmployerQuota.slot_id)
                                  .where(EmployerQuota.slot_id.in_(list(slot_ids))).distinct()))


def is_reserving(q: EmployerQuota, day) -> bool:
    """Does the quota still hold its places back on `day` (the cut-off day included)?"""
    return q.reserved_until is None or day <= q.reserved_until


def quota_use(slot_id: int, now=None) -> list[dict]:
    """Each quota of the slot with its use, by employer name."""
    now = now or clock_now()
    quotas = db.session.scalars(select(EmployerQuota).join(Employer)
                                .where(EmployerQuota.slot_id == slot_id)
                                .order_by(Employer.name, Employer.id)).all()
    if not quotas:  # most slots: one query, nothing else to count
        return []
    used = used_by_employer(slot_id, now)
    day = local_date(now)
    out = []
    for q in quotas:
        n = used.get(q.employer_id, 0)
        out.append({"quota": q, "employer": q.employer, "places": q.places, "used": n,
                    "free": max(q.places - n, 0), "reserving": is_reserving(q, day)})
    return out


def held_back(slot_id: int, now, except_employer: int | None = None) -> int:
    """Places the slot still holds for employers other than `except_employer`: the unused
    part of every quota before its cut-off."""
    return sum(r["free"] for r in quota_use(slot_id, now)
               if r["reserving"] and r["employer"].id != except_employer)


def employers_with_quota(slot_id: int) -> list[Employer]:
    return db.session.scalars(select(Employer).join(EmployerQuota)
                              .where(EmployerQuota.slot_id == slot_id)
                              .order_by(Employer.name, Employer.id)).all()


def employers_of(centre_id: int) -> list[Employer]:
    return db.session.scalars(select(Employer).where(Employer.centre_id == centre_id)
                              .order_by(Employer.name, Employer.id)).all()


def employer_totals(centre_id: int, now=None) -> list[dict]:
    """Per employer of the centre: its quotas over all slots, used and free, summed."""
    from ..slots.models import Slot
    now = now or clock_now()
    totals = {e.id: {"employer": e, "places": 0, "used": 0, "free": 0, "slots": 0}
              for e in employers_of(centre_id)}
    slot_ids = db.session.scalars(select(EmployerQuota.slot_id).join(Slot)
                                  .where(Slot.centre_id == centre_id).distinct()).all()
    for sid in slot_ids:
        for r in quota_use(sid, now):
            t = totals[r["employer"].id]
            t["places"] += r["places"]
            t["used"] += r["used"]
            t["free"] += r["free"]
            t["slots"] += 1
    return list(totals.values())


def employer_of_centre(centre_id: int, employer_id: int) -> Employer:
    e = db.session.get(Employer, employer_id)
    if e is None or e.centre_id != centre_id:
        raise NotFound()
    return e
