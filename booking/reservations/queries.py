"""Reading reservations for pages and exports. The writes and their rules are in
services.py; nothing here changes a row."""
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from ..api.pagination import paginate
from ..centres.models import Centre, District
from ..children.models import Guardianship
from ..clock import now as clock_now
from ..extensions import db
from ..regulator.jurisdiction import listed
from ..slots.models import Slot
from .models import Reservation, Status, held_at, in_care_at, is_live, live_at, past_leaving_at

# The staff list's status filter: "live" (held or enrolled) is what a centre works with.
STATUS_FILTERS = ("live", Status.HELD, Status.ENROLLED, Status.EXPIRED, Status.CANCELLED,
                  Status.WITHDRAWN, "all")


def shown_status(r: Reservation, now=None) -> str:
    """A hold past its expiry is expired, and an enrolment past its last day in care is
    withdrawn, whether or not the sweeps have run yet (models.live_at)."""
    now = now or clock_now()
    if r.status in (Status.HELD, Status.ENROLLED) and not is_live(r, now):
        return Status.EXPIRED if r.status == Status.HELD else Status.WITHDRAWN
    return r.status


def _loaded(stmt):
    return stmt.options(selectinload(Reservation.slot).selectinload(Slot.centre),
                        selectinload(Reservation.child))


def for_guardian(user) -> list[Reservation]:
    """Reservations of every child `user` is a guardian of, newest first."""
    stmt = (select(Reservation).join(Guardianship, Guardianship.child_id == Reservation.child_id)
            .where(Guardianship.user_id == user.id)
            .order_by(Reservation.created_at.desc(), Reservation.id.desc()))
    return db.session.scalars(_loaded(stmt)).all()


def _status_condition(status: str, now):
    """The rows whose shown_status is `status` (the filter and the label always agree)."""
    if status == "live":
        return live_at(now)
    if status == Status.HELD:
        return held_at(now)
    if status == Status.ENROLLED:
        return in_care_at(now)
    if status == Status.EXPIRED:
        return or_(Reservation.status == Status.EXPIRED,
                   and_(Reservation.status == Status.HELD, Reservation.expires_at <= now))
    if status == Status.WITHDRAWN:
        return or_(Reservation.status == Status.WITHDRAWN, past_leaving_at(now))
    if status == Status.CANCELLED:
        return Reservation.status == Status.CANCELLED
    return None  # "all"


def for_centre(centre_id: int, *, slot_id: int | None = None, status: str = "live",
               now=None) -> list[Reservation]:
    """A centre's reservations, by slot (start date) and then oldest first."""
    now = now or clock_now()
    stmt = select(Reservation).join(Slot, Slot.id == Reservation.slot_id).where(
        Slot.centre_id == centre_id)
    if slot_id is not None:
        stmt = stmt.where(Reservation.slot_id == slot_id)
    cond = _status_condition(status, now)
    if cond is not None:
        stmt = stmt.where(cond)
    stmt = stmt.order_by(Slot.starts_on, Slot.id, Reservation.created_at, Reservation.id)
    return db.session.scalars(_loaded(stmt)).all()


def counts_by_slot(slot_ids, now=None) -> dict[int, dict[str, int]]:
    """{slot_id: {"held": live holds, "enrolled": children in care}} for many slots at once."""
    if not slot_ids:
        return {}
    now = now or clock_now()
    held = func.sum(case((held_at(now), 1), else_=0))
    enrolled = func.sum(case((in_care_at(now), 1), else_=0))
    rows = db.session.execute(select(Reservation.slot_id, held, enrolled)
                              .where(Reservation.slot_id.in_(list(slot_ids)))
                              .group_by(Reservation.slot_id)).all()
    counts = {sid: {"held": 0, "enrolled": 0} for sid in slot_ids}
    for sid, h, e in rows:
        counts[sid] = {"held": int(h or 0), "enrolled": int(e or 0)}
    return counts


def listed_reservations(user, *, centre_id=None, district=None, city=None, status=None,
                        slot_id=None, page=1, per_page=20) -> tuple[list[Reservation], int]:
    """The API's list: what `user` may see (a parent their family's, staff their centre's,
    a regulator its jurisdiction's, an admin all; regulator.jurisdiction.listed), filtered,
    newest first. Returns (one page of reservations, how many in all)."""
    stmt = (select(Reservation).join(Slot, Slot.id == Reservation.slot_id)
            .join(Centre, Centre.id == Slot.centre_id)
            .join(District, District.id == Centre.district_id))
    stmt = listed(stmt, user, centre_col=Slot.centre_id, child_col=Reservation.child_id,
                  centre_id=centre_id, district=district, city=city)
    if status:  # as shown: a lapsed hold is expired, a past leaver withdrawn (models.live_at)
        stmt = stmt.where(_status_condition(status, clock_now()))
    if slot_id:
        stmt = stmt.where(Reservation.slot_id == slot_id)
    return paginate(stmt.order_by(Reservation.id.desc()), page, per_page)


def lapsing_at_centre(centre_id: int, within, now=None) -> list[Reservation]:
    """The centre's live holds that lapse within `within` (the staff's home: 24 hours), the
    soonest first."""
    now = now or clock_now()
    stmt = (select(Reservation).join(Slot, Slot.id == Reservation.slot_id)
            .where(Slot.centre_id == centre_id, held_at(now),
                   Reservation.expires_at <= now + within)
            .order_by(Reservation.expires_at, Reservation.id))
    return db.session.scalars(_loaded(stmt)).all()
