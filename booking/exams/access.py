"""Who reaches an examination (docs/exams.md, "Results").

An institution's doctor or nurse reaches a child only through an open appointment with that
institution (`booked`: the child is expected or examined and the result not yet signed). Once
the doctor signs (the appointment is `examined`), or the appointment is cancelled or missed,
the institution no longer reads the child or its result: the verified record then lives with
the family and the centres holding a place. Clerks book and mark arrivals but never see result
data (`exam.record` is the doctor's and the nurse's); regulators see counts only. Anyone else
is answered as if the appointment did not exist (404), so the reach leaks nothing.

Every read of a child's exam record by institution staff is logged (PIPL: sensitive personal
information), one event per child as the growth and health pages log staff reads.
"""
from flask_babel import gettext as _

from ..audit.services import record_many
from ..auth.permissions import allowed
from ..children import services as children
from ..children.models import Child
from ..errors import Conflict, NotFound
from ..extensions import db
from .models import ExamAppointment

READ_ACTION = "exam_record.read"


def _own(user, appointment: ExamAppointment | None) -> bool:
    return (appointment is not None and user is not None and user.role == "institution"
            and user.institution_id is not None
            and appointment.session.institution_id == user.institution_id)


def appointment_for(user, appointment_id: int, action: str = "exam.record", *,
                    write: bool = False) -> ExamAppointment:
    """The open appointment `user` may work on with `action` (exam.record or exam.sign).

    :raises NotFound: not an institution account whose role may do `action`, another
        institution's appointment, a cancelled or missed one, or (a read) one already signed.
    :raises Conflict: a write on an appointment of its own whose result is signed: final.
    """
    appointment = db.session.get(ExamAppointment, appointment_id)
    if not allowed(user, action) or not _own(user, appointment):
        raise NotFound()
    if appointment.status == "examined" and write:
        raise Conflict(_("体检结果已由医生签名，不能再修改"))
    if appointment.status != "booked":
        raise NotFound()
    return appointment


def log_reads(user, appointments, *, where: str) -> None:
    """One audit event per child whose exam record institution staff were shown. Only
    flushes: the caller commits."""
    if user is None or user.role != "institution":
        return
    record_many([{"action": READ_ACTION, "entity_type": Child.__tablename__,
                  "entity_id": a.child_id, "actor_id": user.id,
                  "after": {"where": where, "appointment_id": a.id}}
                 for a in sorted(appointments, key=lambda a: a.id)])


def guardian_child(user, child_id: int) -> Child:
    """The child, for its guardian (the family's result pages).

    :raises NotFound: anyone else, no such child, or one anonymised."""
    child = db.session.get(Child, child_id)
    if child is None or child.anonymised_at is not None or user.role != "parent" \
            or not children.is_guardian(user, child_id):
        raise NotFound()
    return child
