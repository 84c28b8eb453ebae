"""Absences in a family's export (docs/privacy.md). They stay with the account's deletion: an
illness absence is part of the centre's record of infectious illness (docs/outbreaks.md)."""
from sqlalchemy import select

from ..children.holders import Holder, iso, register
from ..extensions import db
from .models import Absence


def export(child_ids, _user) -> list[dict]:
    return [{"child_id": a.child_id, "starts_on": iso(a.starts_on), "ends_on": iso(a.ends_on),
             "reason": a.reason, "symptoms": sorted(s.symptom for s in a.symptom_rows),
             "symptom_other": a.symptom_other, "note": a.note, "source": a.source,
             "reached": a.reached, "reported_at": iso(a.reported_at),
             "withdrawn_at": iso(a.withdrawn_at)}
            for a in db.session.scalars(select(Absence).where(
                Absence.child_id.in_(child_ids)).order_by(Absence.id))]


register(Holder("absences", ("absence", "absence_symptom"), export))
