"""The JSON API of city policy versions (docs/subsidies.md, docs/api.md). Money in fen."""
from flask import g

from ..api.framework import endpoint
from ..clock import today
from ..errors import NotFound
from ..inputs import parse_day
from . import changes, queries
from .models import POLICY_FIELDS
from .schemas import CityOut, OnQuery, VersionIn, VersionOut, WithdrawnOut
from .services import in_force, versions


def version_out(v) -> dict | None:
    if v is None:
        return None
    day = today()
    current = in_force(v.city, day)
    return dict(v.values(), id=v.id, city=v.city, effective_from=v.effective_from,
                created_by=v.created_by, created_at=v.created_at, reason=v.reason,
                in_force=current is not None and current.id == v.id,
                scheduled=v.effective_from > day)


@endpoint("/policy/cities", summary="The cities in scope, each with its version in force today "
          "and the next scheduled change", tags=["policy"], permission="policy.read",
          response=list[CityOut])
def policy_cities():
    user = g.api_user
    return [{"city": r.city, "city_en": getattr(r.current or r.upcoming, "city_en", None),
             "may_change": changes.may_change(user, r.city), "in_force": version_out(r.current),
             "next_change": version_out(r.upcoming)} for r in queries.overview(user)]


@endpoint("/policy/cities/<city>", summary="The version of a city's policy in force on a day",
          tags=["policy"], permission="policy.read", query=OnQuery, response=VersionOut,
          errors=(404,))
def policy_in_force(city: str, query: OnQuery):
    changes.readable(g.api_user, city)
    v = in_force(city, query.on or today())
    if v is None:
        raise NotFound()
    return version_out(v)


@endpoint("/policy/cities/<city>/versions", summary="Every version of a city's policy, oldest "
          "first", tags=["policy"], permission="policy.read", response=list[VersionOut],
          errors=(404,))
def policy_versions(city: str):
    changes.readable(g.api_user, city)
    return [version_out(v) for v in versions(city)]


@endpoint("/policy/cities/<city>/versions", "POST", summary="Add a version from a day on "
          "(fields left out copy forward); refused for a closed month or a month whose subsidy "
          "claims are submitted", tags=["policy"], permission="policy.manage", body=VersionIn,
          response=VersionOut, status=201, errors=(403, 404, 409, 422))
def add_policy_version(city: str, body: VersionIn):
    values = {f: getattr(body, f) for f in POLICY_FIELDS if f in body.model_fields_set}
    v = changes.add_version(city, body.effective_from, values, body.reason, g.api_user)
    return version_out(v)


@endpoint("/policy/cities/<city>/versions/<effective_from>", "DELETE",
          summary="Withdraw a version not yet in force (never one in force)", tags=["policy"],
          permission="policy.manage", response=WithdrawnOut, errors=(403, 404, 409))
def withdraw_policy_version(city: str, effective_from: str):
    day = parse_day(effective_from)
    if day is None:
        raise NotFound()
    changes.withdraw_version(city, day, g.api_user)
    return {"city": city, "effective_from": day, "withdrawn": True}
