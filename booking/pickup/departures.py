"""Who collects a child at departure: a guardian, a person from the child's list, or, as an
exception, someone else, named with the reason; the guardians are then told at once
(docs/absences.md, Authorised pickup). `health.attendance.record_departure` calls these
inside its own transaction: they flush, never commit."""
from dataclasses import dataclass

from flask_babel import gettext as _

from ..audit.services import notify, record
from ..clock import LOCAL
from ..errors import ValidationFailed
from ..extensions import db
from .models import PickupRecord
from .services import guardians, people

REASON_MAX = 500


@dataclass
class Collector:
    kind: str  # "guardian", "listed" or "unlisted"
    name: str
    relation: str | None = None
    guardian_id: int | None = None
    person_id: int | None = None
    reason: str | None = None
    phone: str | None = None
    id_last4: str | None = None
    has_photo: bool = False

    @property
    def key(self) -> str:
        """The choice's value in the departure form: g<user id>, p<person id>."""
        return f"g{self.guardian_id}" if self.kind == "guardian" else f"p{self.person_id}"


def choices(child_id: int) -> list[Collector]:
    """Everyone authorised to collect the child: its guardians, then its list."""
    return [Collector("guardian", g.name, g.relation, guardian_id=g.user_id, phone=g.phone)
            for g in guardians(child_id)] + [
        Collector("listed", p.name, p.relation, person_id=p.id, phone=p.phone,
                  id_last4=p.id_last4, has_photo=bool(p.photo_path))
        for p in people(child_id)]


def collector(child_id: int, *, person_id=None, guardian_id=None, unlisted_name=None,
              reason=None) -> Collector:
    """The collector the staff chose: exactly one of a guardian, a person on this child's
    list, or someone unlisted with the reason.

    :raises ValidationFailed: none or several chosen (`collected_by`), a person not on this
        child's list or a user not its guardian (`collected_by`), an unlisted person without
        a name (`unlisted_name`) or without a reason (`reason`).
    """
    unlisted_name = (unlisted_name or "").strip() or None
    reason = (reason or "").strip() or None
    picked = (person_id is not None) + (guardian_id is not None) + bool(unlisted_name or reason)
    if picked != 1:
        raise ValidationFailed(errors={"collected_by": [_("请选择接走孩子的人（名单上的一人，或填写名单外的人）")]})
    if person_id is not None:
        match = next((c for c in choices(child_id) if c.person_id == person_id), None)
    elif guardian_id is not None:
        match = next((c for c in choices(child_id) if c.guardian_id == guardian_id), None)
    else:
        errors = {}
        if not unlisted_name:
            errors["unlisted_name"] = [_("请填写接走人的姓名")]
        elif len(unlisted_name) > 80:
            errors["unlisted_name"] = [_("最多 80 个字")]
        if not reason:
            errors["reason"] = [_("名单外的人接走孩子，须说明原因")]
        elif len(reason) > REASON_MAX:
            errors["reason"] = [_("最多 %(n)s 个字", n=REASON_MAX)]
        if errors:
            raise ValidationFailed(errors=errors)
        return Collector("unlisted", unlisted_name, reason=reason)
    if match is None:
        raise ValidationFailed(errors={"collected_by": [_("这个人不在孩子的接送名单上")]})
    return match


def note(day, reservation, who: Collector, staff, now) -> PickupRecord:
    """Keep who collected the child on `day` (an Attendance); an unlisted collector is
    audited on its own and every guardian is notified at once."""
    row = PickupRecord(attendance_id=day.id, child_id=reservation.child_id,
                       person_id=who.person_id, guardian_id=who.guardian_id,
                       unlisted_name=who.name if who.kind == "unlisted" else None,
                       reason=who.reason, recorded_by=staff.id, recorded_at=now)
    db.session.add(row)
    db.session.flush()
    if who.kind == "unlisted":
        record("pickup.unlisted", row, actor=staff, centre_id=staff.centre_id, at=now,
               after={"child_id": reservation.child_id, "name": who.name}, reason=who.reason)
        for g in guardians(reservation.child_id):
            notify(g.user_id, "unlisted_pickup", at=now, reservation_id=reservation.id,
                   child_id=reservation.child_id,
                   child=reservation.child.name, centre=reservation.slot.centre.name,
                   name=who.name, reason=who.reason,
                   # shown as written: Beijing time (the renderer converts only expiries)
                   departed_at=now.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M"))
    return row


def record_of(attendance_id: int) -> PickupRecord | None:
    return db.session.scalar(db.select(PickupRecord).where(
        PickupRecord.attendance_id == attendance_id))

