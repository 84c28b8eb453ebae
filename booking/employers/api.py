"""docs/api.md: a centre's employers and their quotas of its slots (docs/employers.md)."""
from flask import g

from ..api.framework import endpoint
from ..auth.permissions import can
from ..errors import NotFound
from ..extensions import db
from ..slots.models import Slot
from . import queries, services
from .schemas import EmployerIn, EmployerOut, QuotaOut, QuotasIn


def quota_out(row) -> dict:
    return {"employer_id": row["employer"].id, "employer_name": row["employer"].name,
            "places": row["places"], "used": row["used"], "free": row["free"],
            "reserved_until": row["quota"].reserved_until, "reserving": row["reserving"]}


def employer_out(total) -> dict:
    e = total["employer"]
    return {"id": e.id, "name": e.name, "credit_code": e.credit_code,
            "contact_name": e.contact_name, "contact_phone": e.contact_phone,
            "places": total["places"], "used": total["used"], "free": total["free"]}


def _slot(slot_id: int, action: str) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None or not can(g.api_user, action, slot.centre_id):
        raise NotFound()
    return slot


@endpoint("/slots/<int:slot_id>/employer-quotas", summary="A slot's employer quotas and their "
          "use", tags=["employers"], permission="employer.read", response=list[QuotaOut],
          errors=(404,))
def get_quotas(slot_id: int):
    return [quota_out(r) for r in queries.quota_use(_slot(slot_id, "employer.read").id)]


@endpoint("/slots/<int:slot_id>/employer-quotas", "PUT", summary="Set a slot's employer "
          "quotas (together at most its capacity)", tags=["employers"],
          permission="employer.manage", body=QuotasIn, response=list[QuotaOut],
          errors=(404, 409, 422))
def put_quotas(slot_id: int, body: QuotasIn):
    _slot(slot_id, "employer.manage")
    services.set_quotas(g.api_user, slot_id, [q.model_dump() for q in body.quotas])
    return [quota_out(r) for r in queries.quota_use(slot_id)]


@endpoint("/centres/<int:centre_id>/employers", summary="A centre's employers with their "
          "quota use", tags=["employers"], permission="employer.read",
          response=list[EmployerOut], errors=(404,))
def list_employers(centre_id: int):
    services.own_centre(g.api_user, centre_id, "employer.read")
    return [employer_out(t) for t in queries.employer_totals(centre_id)]


@endpoint("/centres/<int:centre_id>/employers", "POST", summary="Register an employer "
          "(unified social credit code checked)", tags=["employers"],
          permission="employer.manage", body=EmployerIn, response=EmployerOut, status=201,
          errors=(404, 409, 422), idempotent=True)
def create_employer(centre_id: int, body: EmployerIn):
    e = services.register_employer(g.api_user, centre_id, **body.model_dump())
    return employer_out({"employer": e, "places": 0, "used": 0, "free": 0})
