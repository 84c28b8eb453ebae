"""The JSON API of family entitlements (docs/subsidies.md, docs/api.md): the guardians'
only; anyone else's request for a child is a 404, the other roles' a 403."""
from flask import g

from ..api.framework import endpoint
from ..children.services import child_for_guardian
from . import services
from .labels import rule_text
from .rules import third_birthday
from .schemas import (AllowanceApplicationIn, AllowanceApplicationOut, AllowanceStatusIn,
                      EntitlementsOut, SubsidyCityIn, SubsidyCityOut)


def entitlements_out(child) -> dict:
    city, source = services.city_of(child)
    ent = services.entitlement_of(child)
    out = {"child_id": child.id, "city": city, "city_source": source, "birth_order": None,
           "third_birthday": third_birthday(child.birth_date), "months": [], "years": [],
           "total_fen": 0}
    if ent is None:
        return out
    out.update(birth_order=ent.birth_order, total_fen=ent.total_fen, months=[
        {"month": m.month.strftime("%Y-%m"), "national_fen": m.national_fen,
         "city_fen": m.extra_fen, "total_fen": m.total_fen, "future": m.future,
         "rule": [{"scheme": p.scheme, "effective_from": p.effective_from,
                   "rate_fen": p.rate_fen, "per": p.per, "days": p.days,
                   "days_in_month": p.days_in_month} for p in m.parts],
         "reasons": m.reasons, "rule_text": rule_text(m)} for m in ent.months],
        years=[{"year": y, "national_fen": n, "city_fen": e, "total_fen": t}
               for y, n, e, t in ent.years()])
    return out


def application_out(a) -> dict:
    return {"id": a.id, "child_id": a.child_id, "scheme": a.scheme, "city": a.city,
            "applied_on": a.applied_on, "reference": a.reference, "status": a.status,
            "status_on": a.status_on, "amount_fen": a.amount_fen, "note": a.note,
            "created_at": a.created_at}


@endpoint("/children/<int:child_id>/entitlements", summary="A child's 育儿补贴 and city "
          "allowance by month until the third birthday, with the rule behind each amount",
          tags=["entitlements"], permission="family.read", response=EntitlementsOut,
          errors=(404,))
def child_entitlements(child_id: int):
    return entitlements_out(child_for_guardian(g.api_user, child_id))


@endpoint("/children/<int:child_id>/subsidy-city", "PUT", summary="Declare the city whose "
          "allowance the child draws (户籍/居住地); null: the centre's city",
          tags=["entitlements"], permission="child.manage", body=SubsidyCityIn,
          response=SubsidyCityOut, errors=(404, 422))
def set_subsidy_city(child_id: int, body: SubsidyCityIn):
    child = services.set_subsidy_city(child_id, g.api_user, body.city)
    city, source = services.city_of(child)
    return {"child_id": child.id, "city": city, "city_source": source}


@endpoint("/children/<int:child_id>/allowance-applications", summary="The family's "
          "applications to the paying office, newest first", tags=["entitlements"],
          permission="family.read", response=list[AllowanceApplicationOut], errors=(404,))
def list_allowance_applications(child_id: int):
    child = child_for_guardian(g.api_user, child_id)
    return [application_out(a) for a in services.applications_of(child.id)]


@endpoint("/children/<int:child_id>/allowance-applications", "POST", summary="Record an "
          "application to the paying office (one open per scheme)", tags=["entitlements"],
          permission="child.manage", body=AllowanceApplicationIn,
          response=AllowanceApplicationOut, status=201, errors=(404, 409, 422))
def record_allowance_application(child_id: int, body: AllowanceApplicationIn):
    return application_out(services.record_application(
        child_id, g.api_user, scheme=body.scheme, city=body.city, applied_on=body.applied_on,
        reference=body.reference, note=body.note))


@endpoint("/allowance-applications/<int:application_id>/status", "POST", summary="The office's "
          "answer as the family reports it: applied → approved | rejected, approved → paid",
          tags=["entitlements"], permission="child.manage", body=AllowanceStatusIn,
          response=AllowanceApplicationOut, errors=(404, 409, 422))
def update_allowance_status(application_id: int, body: AllowanceStatusIn):
    return application_out(services.update_status(
        application_id, g.api_user, status=body.status, status_on=body.status_on,
        amount_fen=body.amount_fen, note=body.note))
