"""Children with more than one standing live place, in databases made before one child, one
place (docs/domain.md "One child, one place"; docs/operations.md "One place per child"):
`flask --app wsgi places check` lists them, `--fix` resolves each the same way every time,
never silently.

A place *stands* unless it is waiting to replace another live place of the child (a transfer
hold, an offer over a hold: `replaces_id`), or it is the old care of a confirmed transfer,
still in care until the day before the new start (its leaving date set, and the new
enrolment's `reservation.enrolled` event names it as replaced: confirm does not keep
`replaces_id`). Resolving keeps the enrolment (the earliest enrolled, then the lowest id),
else the earliest hold (created, then id), and ends the rest: an enrolment is withdrawn
today (its fees settled as for any leaving), a hold cancelled; each audited
(`reservation.ended_by_one_place_rule`), the family told, the place offered on.
"""
import json
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..audit.models import AuditEvent
from ..audit.services import notify, record
from ..children import services as children
from ..clock import local_date
from ..clock import now as clock_now
from ..extensions import db
from ..fees.services import on_withdrawal
from ..reservations.models import Reservation, Status, live_at
from ..slots.models import Slot
from .locking import lock_children, lock_slots
from .offers import end_offers, offer_next

REASON = "one place per child"


@dataclass
class Finding:
    """A child with several standing places, and the one --fix keeps."""
    child_id: int
    places: list[Reservation]
    keep: Reservation
    ended: list[tuple[Reservation, str]] = field(default_factory=list)  # (place, was)


def since(r: Reservation):
    """When the place began: enrolled, else held."""
    return (r.enrolled_at or r.created_at) if r.status == Status.ENROLLED else r.created_at


def find(now=None) -> list[Finding]:
    """Every child with more than one standing live place, by child id. Changes nothing."""
    now = now or clock_now()
    crowded = select(Reservation.child_id).where(live_at(now)).group_by(
        Reservation.child_id).having(func.count(Reservation.id) > 1)
    by_child: dict[int, list[Reservation]] = {}
    for r in _live(Reservation.child_id.in_(crowded), now):
        by_child.setdefault(r.child_id, []).append(r)
    replaced = _replaced_by_transfer([r.id for rs in by_child.values() for r in rs])
    found = []
    for child_id in sorted(by_child):
        places = standing(by_child[child_id], replaced)
        if len(places) > 1:
            found.append(Finding(child_id, places, keeper(places)))
    return found


def fix(now=None) -> list[Finding]:
    """Resolve every child find() lists, one transaction per child: the child's row, then its
    places' slots (the lock order, docs/design.md), read again under the locks."""
    now = now or clock_now()
    done = []
    for child_id in [f.child_id for f in find(now)]:
        db.session.rollback()
        lock_children([child_id])
        places = _live(Reservation.child_id == child_id, now)
        slots = {s.id: s for s in lock_slots({r.slot_id for r in places})}
        places = _live(Reservation.child_id == child_id, now)
        replaced = _replaced_by_transfer([r.id for r in places])
        first = standing(places, replaced)
        if len(first) < 2:
            db.session.rollback()  # resolved meanwhile
            continue
        finding = Finding(child_id, first, keeper(first))
        # Ending a place may leave a hold that was to replace it standing: it ends too.
        while rest := [r for r in standing(places, replaced) if r is not finding.keep]:
            for r in rest:
                finding.ended.append((r, r.status))
                _end(r, finding.keep, slots, now)
            places = [r for r in places if r not in rest]
        for slot_id in sorted({r.slot_id for r, _was in finding.ended}):
            offer_next(slots[slot_id], now)
        db.session.commit()
        done.append(finding)
    return done


def standing(places: list[Reservation], replaced: dict[int, int]) -> list[Reservation]:
    """The places among one child's live `places` that stand (module docstring)."""
    ids = {r.id for r in places}
    transferred = {replaced[r.id] for r in places if replaced.get(r.id) in ids}
    return [r for r in places if r.replaces_id not in ids and not (
        r.id in transferred and r.status == Status.ENROLLED and r.leaves_on is not None)]


def keeper(places: list[Reservation]) -> Reservation:
    enrolled = [r for r in places if r.status == Status.ENROLLED]
    if enrolled:
        return min(enrolled, key=lambda r: (r.enrolled_at or r.created_at, r.id))
    return min(places, key=lambda r: (r.created_at, r.id))


def _live(where, now) -> list[Reservation]:
    return db.session.scalars(select(Reservation).where(where, live_at(now))
                              .options(joinedload(Reservation.slot).joinedload(Slot.centre),
                                       joinedload(Reservation.child))
                              .order_by(Reservation.id)
                              .execution_options(populate_existing=True)).unique().all()


def _replaced_by_transfer(ids) -> dict[int, int]:
    """{new enrolment id: the place it replaced}, from the enrolments' audit events."""
    if not ids:
        return {}
    out = {}
    for entity_id, after in db.session.execute(select(AuditEvent.entity_id, AuditEvent.after)
                                               .where(AuditEvent.action == "reservation.enrolled",
                                                      AuditEvent.entity_type == "reservation",
                                                      AuditEvent.entity_id.in_(ids))):
        old = json.loads(after or "{}").get("replaced")
        if old is not None:
            out[entity_id] = old
    return out


def _end(r: Reservation, keep: Reservation, slots, now) -> None:
    """End one place by the rule: audited, the family told. Only flushes; the caller holds
    the child's and the slot's locks and offers the place on."""
    slot = slots[r.slot_id]
    before = {"status": r.status}
    after = {"status": Status.CANCELLED, "kept": keep.id}
    if r.status == Status.ENROLLED:
        r.status, r.leaves_on = Status.WITHDRAWN, local_date(now)
        after = {"status": Status.WITHDRAWN, "on_date": r.leaves_on, "kept": keep.id}
    else:
        r.status = Status.CANCELLED
        after["waitlist_entries"] = end_offers([r], "withdrawn", now,
                                               centre_id=slot.centre_id)
    r.ended_at, r.end_reason = now, REASON
    record("reservation.ended_by_one_place_rule", r, centre_id=slot.centre_id, reason=REASON,
           before=before, after=after, at=now)
    if r.status == Status.WITHDRAWN:
        on_withdrawal(r, None, now)
    for guardian_id in children.guardians_of(r.child_id):
        notify(guardian_id, "one_place_ended", at=now, reservation_id=r.id,
               child=r.child.name, centre=slot.centre.name, kept=keep.slot.centre.name)
