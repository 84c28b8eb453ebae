"""The JSON API's outbreak alerts (docs/outbreaks.md, docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from . import services
from .schemas import AcknowledgeIn, AlertOut


def alert_out(v: services.AlertView) -> dict:
    a = v.alert
    return {"id": a.id, "centre_id": a.centre_id, "centre_name": a.centre.name,
            "group_id": a.group_id, "group_name": a.group.name if a.group else None,
            "symptom": a.symptom, "scope": a.rule.scope, "min_children": a.rule.min_children,
            "window_days": a.rule.window_days, "window_starts_on": a.window_starts_on,
            "window_ends_on": a.window_ends_on, "count": v.count, "opened_at": a.opened_at,
            "acknowledged_at": a.acknowledged_at,
            # The note is free text the centre wrote: it may name children, so staff only.
            "note": a.note if v.children is not None else None,
            "children": None if v.children is None else [
                {"child_id": c.child_id, "name": c.name, "group_id": c.group_id,
                 "sources": c.sources, "ill_since": c.ill_since} for c in v.children]}


@endpoint("/outbreaks", summary="Outbreak alerts: open ones and those acknowledged in the last "
          "30 days (the centre's staff: with the children; regulators: counts only)",
          tags=["outbreaks"], permission="outbreak.read", response=list[AlertOut])
def list_outbreaks():
    return [alert_out(v) for v in services.alerts_for(g.api_user)]


@endpoint("/outbreaks/<int:alert_id>/acknowledge", "POST",
          summary="Acknowledge an outbreak alert with what was done", tags=["outbreaks"],
          permission="outbreak.acknowledge", body=AcknowledgeIn, response=AlertOut,
          errors=(409,))
def acknowledge_outbreak(alert_id: int, body: AcknowledgeIn):
    services.acknowledge(alert_id, g.api_user, note=body.note)
    return alert_out(services.alert_for(g.api_user, alert_id))
