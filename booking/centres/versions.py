"""The versions the centre page cache is keyed by (docs/design.md, "The centre page cache").

A slot's version is bumped by every booking: places/locking.py writes the slot row first
(`version + 1`). The centre's own version is bumped here, at commit, for every change to
the centre or to what its public page shows, found centrally rather than in each writer:

- `before_flush` notes each new, changed or deleted object the page reads (PUBLIC below),
  by the centre it belongs to; a reservation notes its slot;
- `do_orm_execute` notes the slots a bulk `update(Slot)...version + 1` already bumped
  (locking.py) and the slots of a bulk `insert(Reservation)` (the waitlist's offers);
- `before_commit` flushes, then writes `centre.version + 1` for the centres noted (and,
  for what another centre's page shows of them, their operator's centres, the city's or the
  district's), and `slot.version + 1` for the slots noted that no lock bumped yet.

A booking never writes the centre row: the rush would queue on it (design.md, Locking).
Core DML that changes public data must bump by hand: a round's holds (allocation/drawing.py,
`bump_centres_of`); the other bulk updates of centre, operator and recognition rows are
no-op lock writes.
"""
from sqlalchemy import event, inspect, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators as sql_ops

from ..operators.models import CentreOperator, Operator
from ..policy.models import CityPolicy
from ..rosters.models import StaffMember
from ..regulator.models import Filing, Inspection
from ..recognition.models import Recognition
from ..complaints.models import Complaint
from ..changes.models import CentreChange
from ..reservations.models import Reservation
from ..slots.models import Slot
from .models import Centre, District, Group

CENTRES, SIBLINGS, OPERATORS, CITIES, DISTRICTS, SLOTS, BUMPED = (
    "pc_centres", "pc_siblings", "pc_operators", "pc_cities", "pc_districts", "pc_slots",
    "pc_bumped")
# Rows the page shows that belong to one centre (by their centre_id).
PUBLIC = (Filing, StaffMember, Inspection, Recognition, Group, Complaint, CentreChange)


def _note(session, key, *values):
    box = session.info.setdefault(key, set())
    box.update(v for v in values if v is not None)


def _old_and_new(obj, attr):
    hist = inspect(obj).attrs[attr].history
    return [getattr(obj, attr), *hist.deleted]


@event.listens_for(Session, "before_flush")
def _before_flush(session, _context, _instances):
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Reservation):
            _note(session, SLOTS, *_old_and_new(obj, "slot_id"))
        elif isinstance(obj, PUBLIC):
            _note(session, CENTRES, *_old_and_new(obj, "centre_id"))
            if isinstance(obj, Filing):  # an operator's other centres list the listed ones
                _note(session, SIBLINGS, obj.centre_id)
        elif isinstance(obj, Slot):
            _note(session, CENTRES, *_old_and_new(obj, "centre_id"))
        elif isinstance(obj, Centre):
            _note(session, CENTRES, obj.id)
            _note(session, SIBLINGS, obj.id)
        elif isinstance(obj, CentreOperator):
            _note(session, CENTRES, *_old_and_new(obj, "centre_id"))
            _note(session, OPERATORS, *_old_and_new(obj, "operator_id"))
        elif isinstance(obj, Operator):
            _note(session, OPERATORS, obj.id)
        elif isinstance(obj, CityPolicy):
            _note(session, CITIES, *_old_and_new(obj, "city"))
        elif isinstance(obj, District):
            _note(session, DISTRICTS, obj.id)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state):
    stmt = state.statement
    # An ORM statement's table is an annotated copy of the Table: compared by name.
    table = getattr(getattr(stmt, "table", None), "name", None)
    if table is None:
        return
    if state.is_update and table == "slot":
        _note(state.session, BUMPED, *_ids_in(stmt.whereclause, Slot.__table__))
    elif state.is_insert and table == "reservation" and state.parameters:
        params = state.parameters if isinstance(state.parameters, list) else [state.parameters]
        _note(state.session, SLOTS, *(p.get("slot_id") for p in params))


def _ids_in(clause, table) -> list:
    """The ids `table.id == x` or `table.id IN (...)` name in a WHERE clause (else none: the
    commit then bumps those slots itself, harmlessly twice)."""
    if clause is None:
        return []
    parts = getattr(clause, "clauses", None) or [clause]
    out = []
    for part in parts:
        left = getattr(part, "left", None)
        if getattr(left, "table", None) is not table or getattr(left, "name", None) != "id":
            continue
        value = getattr(part.right, "value", None)
        if part.operator is sql_ops.eq and isinstance(value, int):
            out.append(value)
        elif part.operator is sql_ops.in_op and isinstance(value, (list, tuple, set)):
            out += list(value)
    return out


@event.listens_for(Session, "before_commit")
def _before_commit(session):
    if not any(session.info.get(k) for k in (CENTRES, SLOTS, SIBLINGS, OPERATORS, CITIES,
                                               DISTRICTS)) and not session.new \
            and not session.dirty and not session.deleted:
        return
    session.flush()  # what is still pending notes its centres now
    info = session.info
    slots = info.get(SLOTS, set()) - info.get(BUMPED, set())
    centres, siblings = info.get(CENTRES, set()), info.get(SIBLINGS, set())
    operators, cities, districts = (info.get(OPERATORS, set()), info.get(CITIES, set()),
                                    info.get(DISTRICTS, set()))
    _forget(session)
    if not (slots or centres or siblings or operators or cities or districts):
        return
    conn = session.connection()
    s, c = Slot.__table__, Centre.__table__
    if slots:
        ids = sorted(slots)
        if len(ids) > 1 and conn.dialect.name == "postgresql":
            # The lock order, ascending ids, in one locking read (its lock step runs above the
            # sort) rather than an UPDATE per slot: a sweep's batch names hundreds.
            conn.execute(select(s.c.id).where(s.c.id.in_(ids)).order_by(s.c.id)
                         .with_for_update(key_share=True))
        conn.execute(s.update().where(s.c.id.in_(ids)).values(version=s.c.version + 1))
    links = CentreOperator.__table__
    if siblings:
        operators = operators | set(conn.scalars(
            select(links.c.operator_id).where(links.c.centre_id.in_(sorted(siblings)))))
    wider = []
    if operators:
        wider.append(c.c.id.in_(select(links.c.centre_id)
                                .where(links.c.operator_id.in_(sorted(operators)))))
    if cities:
        d = District.__table__
        wider.append(c.c.district_id.in_(select(d.c.id).where(d.c.city.in_(sorted(cities)))))
    if districts:
        wider.append(c.c.district_id.in_(sorted(districts)))
    if centres:
        wider.append(c.c.id.in_(sorted(centres)))
    if wider:
        conn.execute(c.update().where(or_(*wider)).values(version=c.c.version + 1))


def bump_centres_of(session, slot_ids) -> None:
    """For Core inserts of places past the hooks (a round's holds, in bulk): bump the
    centres of these slots (a list or a subquery of ids) in one statement."""
    c, s = Centre.__table__, Slot.__table__
    session.connection().execute(c.update().where(c.c.id.in_(
        select(s.c.centre_id).where(s.c.id.in_(slot_ids)))).values(version=c.c.version + 1))


def _forget(session):
    for key in (CENTRES, SIBLINGS, OPERATORS, CITIES, DISTRICTS, SLOTS, BUMPED):
        session.info.pop(key, None)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    _forget(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    _forget(session)
