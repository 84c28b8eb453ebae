"""The pickup list in a family's export, and erased with the account (docs/privacy.md).

The people on the list are third parties (a grandmother's phone, her ID's last four digits,
her photo): when the child is anonymised they are struck off, their photo deleted and their
details blanked, the relation kept as the name so the pickup history still reads "外婆"."""
from sqlalchemy import select

from ..children.holders import Holder, iso, register
from ..extensions import db
from ..health.models import Attendance
from . import photos
from .models import PickupPerson, PickupRecord


def export_people(child_ids, _user) -> list[dict]:
    return [{"child_id": p.child_id, "name": p.name, "relation": p.relation,
             "phone": p.phone, "id_last4": p.id_last4, "has_photo": p.photo_path is not None,
             "added_at": iso(p.added_at), "removed_at": iso(p.removed_at)}
            for p in db.session.scalars(select(PickupPerson).where(
                PickupPerson.child_id.in_(child_ids)).order_by(PickupPerson.id))]


def export_pickups(child_ids, _user) -> list[dict]:
    rows = db.session.execute(select(PickupRecord, Attendance.on_date, PickupPerson.name).join(
        Attendance, Attendance.id == PickupRecord.attendance_id).outerjoin(
        PickupPerson, PickupPerson.id == PickupRecord.person_id).where(
        PickupRecord.child_id.in_(child_ids)).order_by(PickupRecord.id)).all()
    return [{"child_id": r.child_id, "on_date": iso(day), "person": person,
             "by_guardian": r.guardian_id is not None, "unlisted_name": r.unlisted_name,
             "reason": r.reason, "recorded_at": iso(r.recorded_at)}
            for r, day, person in rows]


def erase(child_ids, user, now) -> dict:
    people = db.session.scalars(select(PickupPerson).where(
        PickupPerson.child_id.in_(child_ids))).all()
    for p in people:
        photos.discard(p.photo_path)
        p.photo_path = p.photo_type = p.photo_size = None
        p.name, p.phone, p.id_last4 = p.relation, "", "****"  # the CHECK wants 4
        if p.removed_at is None:
            p.removed_at, p.removed_by = now, user.id
    return {"pickup_people_erased": len(people)}


register(Holder("pickup_people", ("pickup_person",), export_people, erase))
register(Holder("pickups", ("pickup_record",), export_pickups))
