"""关停应急处置: when a centre suspends or closes, every hold and enrolment ends with a notice,
each child gets the top waitlist tier (应急转托) at the centres its family picks, and the
regulator follows every family until it is placed or withdraws; prepaid balances become
refunds due (fees/services.py on_closure). Nothing is deleted."""
from sqlalchemy import select

from ..audit.services import notify, record
from ..clock import now as clock_now
from ..extensions import db
from ..fees.services import on_closure
from ..places.locking import lock_slots
from ..places.offers import end_offers
from ..reservations.models import Reservation, Status, in_care_at, live_at
from ..transactions import command
from ..slots.models import Slot
from .models import ClosureCase


def affected(centre_id: int, now=None) -> dict[str, int]:
    """What a suspension or closure would end now: children enrolled and holds still live,
    and the families they belong to (the decision page states them before it is taken)."""
    now = now or clock_now()
    rows = db.session.execute(select(Reservation.status, Reservation.parent_id).join(
        Slot, Slot.id == Reservation.slot_id).where(
        Slot.centre_id == centre_id, live_at(now))).all()
    return {"enrolled": sum(1 for st, _p in rows if st == Status.ENROLLED),
            "held": sum(1 for st, _p in rows if st == Status.HELD),
            "families": len({p for _st, p in rows})}


def end_places(centre, regulator, reason: str, now=None) -> list[ClosureCase]:
    """End the centre's live places, open a case per child. Only flushes (decide() commits)."""
    now = now or clock_now()
    cases, ended = [], []
    slots = lock_slots(db.session.scalars(select(Slot.id).where(Slot.centre_id == centre.id)))
    for slot in slots:
        # Every row still open ends, a lapsed hold or a leaver not yet tidied included:
        # nothing at a closed centre is left for a sweep to offer on.
        live = db.session.scalars(select(Reservation).where(
            Reservation.slot_id == slot.id,
            Reservation.status.in_((Status.HELD, Status.ENROLLED))).order_by(Reservation.id)).all()
        ended.extend(live)
        for r in live:
            before = r.status
            r.status = Status.WITHDRAWN if r.status == Status.ENROLLED else Status.CANCELLED
            r.ended_at, r.end_reason = now, f"centre {centre.id} closed: {reason}"[:200]
            record("reservation.ended_by_closure", r, actor=regulator, centre_id=centre.id,
                   before={"status": before}, after={"status": r.status}, reason=reason)
            case = ClosureCase(centre_id=centre.id, reservation_id=r.id, child_id=r.child_id,
                               parent_id=r.parent_id, previous_status=before, state="affected",
                               notified_at=now)
            db.session.add(case)
            cases.append(case)
            notify(r.parent_id, "centre_closed", centre=centre.name, reason=reason,
                   reservation_id=r.id, child=r.child.name, child_id=r.child_id)
        end_offers(live, "withdrawn", now)
    # 预收费: every family's unused prepaid balance at the centre becomes a refund due.
    on_closure(centre, ended, regulator, now)
    return cases


def open_case_for(child_id: int) -> ClosureCase | None:
    return db.session.scalar(select(ClosureCase).where(
        ClosureCase.child_id == child_id, ClosureCase.state == "affected").limit(1))


@command
def refresh_states(centre_id: int, now=None) -> list[ClosureCase]:
    """A case is placed once the child holds or has a place elsewhere."""
    now = now or clock_now()
    cases = db.session.scalars(select(ClosureCase).where(ClosureCase.centre_id == centre_id)
                               .order_by(ClosureCase.id)).all()
    changed = False
    for case in cases:
        if case.state != "affected":
            continue
        placed = db.session.scalar(select(Reservation.id).join(Slot).where(
            Reservation.child_id == case.child_id, Slot.centre_id != centre_id,
            in_care_at(now)).limit(1))
        if placed:
            case.state, case.resolved_at = "placed", now
            record("closure_case.placed", case, centre_id=centre_id)
            changed = True
    if changed:
        db.session.commit()
    return cases
