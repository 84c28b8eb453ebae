"""One person on the registers of several centres of one operator (docs/workforce.md, 挂靠).

A person is known by the keyed hash of the ID number. `staff_person` holds one row per
person: the **register scope** all the person's active staff rows share (the operator's,
'o<id>', or the centre's own, 'c<id>', for a centre run by no operator) and the row every
change of the person's registers or shifts locks first (a no-op UPDATE, docs/design.md,
Locking). Each active staff row with a number carries the person's `scope_key`
(hash:scope) as a foreign key, so the database refuses an active row in a second scope
even if a service forgot the lock: the key can change only while no active row names it.
"""
from flask_babel import gettext as _
from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from ..centres.models import Centre
from ..errors import Conflict
from ..extensions import db
from ..operators.models import CentreOperator
from .models import Shift, StaffMember, StaffPerson


class SharedStaff(Conflict):
    """A centre changing operator while some of its staff are also on the registers of the
    operator's other centres: those entries must end first."""
    slug = "shared-staff"


def scope_of(centre_id: int) -> str:
    op_id = db.session.scalar(select(CentreOperator.operator_id).where(
        CentreOperator.centre_id == centre_id, CentreOperator.to_date.is_(None)))
    return f"o{op_id}" if op_id is not None else f"c{centre_id}"


def lock_person(digest: str, scope: str | None = None) -> StaffPerson:
    """Write the person's row (inserting it, in `scope`, when missing) and read it back.
    Two register changes or roster commands for one person queue here."""
    bump = update(StaffPerson).where(StaffPerson.id_number_hash == digest).values(
        version=StaffPerson.version + 1)
    if db.session.execute(bump).rowcount == 0:
        scope = scope or "new"
        try:
            with db.session.begin_nested():
                db.session.add(StaffPerson(id_number_hash=digest, scope=scope,
                                           scope_key=f"{digest}:{scope}", version=0))
        except IntegrityError:
            # Another transaction inserted the person first: wait for it at its row.
            db.session.execute(bump)
    return db.session.execute(select(StaffPerson).where(StaffPerson.id_number_hash == digest)
                              .execution_options(populate_existing=True)).scalar_one()


def others_active(digest: str, staff_id: int) -> list[StaffMember]:
    return db.session.scalars(select(StaffMember).where(
        StaffMember.id_number_hash == digest, StaffMember.active.is_(True),
        StaffMember.id != staff_id).order_by(StaffMember.id)).all()


def _rescope(person: StaffPerson, scope: str) -> None:
    if person.scope != scope:
        person.scope, person.scope_key = scope, f"{person.id_number_hash}:{scope}"
        db.session.flush()


def claim(staff: StaffMember, digest: str) -> bool:
    """Put active `staff` on the register under the person `digest`, or say no.

    Under the person's lock: allowed when the person has no other active row, or when the
    other rows are in the scope of `staff`'s centre (the same operator). Returns False when
    refused (the caller names the refusal); sets `staff.person_key` otherwise.
    """
    scope = scope_of(staff.centre_id)
    person = lock_person(digest, scope)
    if staff.person_key is not None:
        # The row leaves its old key before the person's key may change.
        staff.person_key = None
        db.session.flush()
    if others_active(digest, staff.id):
        if person.scope != scope:
            return False
    else:
        _rescope(person, scope)
    staff.person_key = person.scope_key
    return True


def release(staff: StaffMember) -> None:
    """The row leaves the active register: it names no scope any more."""
    staff.person_key = None


def rescope_centre(centre_id: int, scope: str) -> None:
    """The centre's register scope becomes `scope` (it changed operator). Its active staff
    move with it, persons locked in ascending hash. Refused (SharedStaff, 409) while any of
    them is also active at another centre: the person would be on two operators' registers,
    and which entry ends is the employers' decision, not the regulator's."""
    rows = db.session.scalars(select(StaffMember).where(
        StaffMember.centre_id == centre_id, StaffMember.active.is_(True),
        StaffMember.id_number_hash.is_not(None)).order_by(StaffMember.id_number_hash)).all()
    if not rows:
        return
    digests = [r.id_number_hash for r in rows]
    shared = db.session.scalar(select(func.count(func.distinct(StaffMember.id_number_hash)))
                               .where(StaffMember.id_number_hash.in_(digests),
                                      StaffMember.active.is_(True),
                                      StaffMember.centre_id != centre_id))
    if shared:
        raise SharedStaff(_("本机构有 %(n)s 名工作人员同时在该举办者的其他机构在职；须先办理其中一处的离职，才能更改举办者",
                            n=shared), extra={"shared_staff": shared})
    for staff in rows:
        lock_person(staff.id_number_hash, scope)
        staff.person_key = None
    db.session.flush()
    for staff in rows:
        person = db.session.get(StaffPerson, staff.id_number_hash)
        _rescope(person, scope)
        staff.person_key = person.scope_key
    db.session.flush()


def overlapping_elsewhere(staff: StaffMember, starts_at, ends_at):
    """The first shift of the same person at another centre overlapping [starts_at, ends_at),
    with that centre's name, or None."""
    if not staff.id_number_hash:
        return None
    return db.session.execute(
        select(Shift, Centre.name)
        .join(StaffMember, StaffMember.id == Shift.staff_member_id)
        .join(Centre, Centre.id == StaffMember.centre_id)
        .where(and_(StaffMember.id_number_hash == staff.id_number_hash,
                    StaffMember.id != staff.id, StaffMember.centre_id != staff.centre_id,
                    StaffMember.active.is_(True),
                    Shift.starts_at < ends_at, Shift.ends_at > starts_at))
        .order_by(Shift.starts_at, Shift.id).limit(1)).first()


def lock_people(staff_rows) -> None:
    """The roster's lock: the rows of the persons behind `staff_rows` who have an ID number,
    in ascending hash, so a shift at one centre and an overlapping one at another for the
    same person queue and the second sees the first (docs/workforce.md)."""
    for digest in sorted({s.id_number_hash for s in staff_rows if s.id_number_hash}):
        lock_person(digest, scope_of(next(s.centre_id for s in staff_rows
                                          if s.id_number_hash == digest)))
