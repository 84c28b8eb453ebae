"""docs/api.md: the planning view per subdistrict, its what-if, and births entry
(docs/planning.md)."""
from flask import g

from ..api.framework import endpoint
from . import services
from .schemas import BirthsIn, BirthsOut, PlanningDistrictOut, WhatIfOut, WhatIfQuery


def plan_out(t: dict) -> dict:
    rows = [{**r, "births": [{"year": y, "births": n} for y, n in r["births"].items()]}
            for r in t["rows"]]
    return {**{k: t[k] for k in ("name", "city", "population", "places", "places_per_1000",
                                 "target_per_1000", "places_needed", "years", "under_3")},
            "district": t["code"], "subdistricts": rows}


@endpoint("/planning/districts/<district>", summary="Places against children under 3 per "
          "subdistrict of a district", tags=["regulator"], permission="planning.read",
          response=PlanningDistrictOut, errors=(404,))
def planning_district(district: str):
    return plan_out(services.plan(g.api_user, district))


@endpoint("/planning/districts/<district>/what-if", summary="What a new centre of N places at a "
          "subdistrict would change (writes nothing)", tags=["regulator"],
          permission="planning.read", query=WhatIfQuery, response=WhatIfOut,
          errors=(404, 422))
def planning_what_if(district: str, query: WhatIfQuery):
    return services.what_if(g.api_user, district, query.subdistrict, query.places)


@endpoint("/planning/districts/<district>/births", "PUT", summary="Enter or correct a "
          "subdistrict's births for a year (audited)", tags=["regulator"],
          permission="planning.births", body=BirthsIn, response=BirthsOut, errors=(404, 422))
def planning_births(district: str, body: BirthsIn):
    row = services.set_births(g.api_user, district, subdistrict=body.subdistrict, year=body.year,
                              births=body.births, new_subdistrict=body.new_subdistrict)
    return {"id": row.id, "district": row.district.code, "subdistrict": row.subdistrict,
            "year": row.year, "births": row.births}
