"""Health notes and growth measurements in a family's export (docs/privacy.md). They stay with
the account's deletion, as the health checks do: health records the law requires kept, of a
child now anonymised."""
from sqlalchemy import select

from ..children.holders import Holder, iso, register
from ..extensions import db
from .models import GrowthMeasurement, HealthNote


def export_notes(child_ids, _user) -> list[dict]:
    return [{"child_id": n.child_id, "kind": n.kind, "title": n.title, "reaction": n.reaction,
             "severity": n.severity, "details": n.details, "dose": n.dose,
             "schedule": n.schedule, "starts_on": iso(n.starts_on), "ends_on": iso(n.ends_on),
             "entered_as": n.entered_as, "created_at": iso(n.created_at),
             "removed_at": iso(n.removed_at)}
            for n in db.session.scalars(select(HealthNote).where(
                HealthNote.child_id.in_(child_ids)).order_by(HealthNote.id))]


def export_growth(child_ids, _user) -> list[dict]:
    return [{"child_id": m.child_id, "measured_on": iso(m.measured_on),
             "height_cm": m.height_cm, "weight_kg": m.weight_kg, "measured_by": m.measured_by,
             "z_weight_for_age": m.z_wfa, "z_length_height_for_age": m.z_lhfa,
             "z_weight_for_length_height": m.z_wflh, "created_at": iso(m.created_at)}
            for m in db.session.scalars(select(GrowthMeasurement).where(
                GrowthMeasurement.child_id.in_(child_ids)).order_by(GrowthMeasurement.id))]


register(Holder("health_notes", ("health_note",), export_notes))
register(Holder("growth", ("growth_measurement",), export_growth))
