"""API shapes of the planning view (docs/planning.md, docs/api.md)."""
from pydantic import Field

from ..api.schemas import Body, Out, Query


class PlanningYearBirthsOut(Out):
    year: int
    births: int | None = Field(description="null when no figure is entered for the year")


class PlanningSubdistrictOut(Out):
    subdistrict: str
    places: int = Field(description="places approved centres offer (counted as coverage is)")
    enrolled: int
    waitlisted_children: int
    births: list[PlanningYearBirthsOut]
    under_3: int = Field(description="children under 3 expected: the last three years' births")
    places_per_100_under_3: float | None = Field(
        description="places ÷ children under 3 × 100, one decimal; null with no births known")


class PlanningDistrictOut(Out):
    district: str
    name: str
    city: str
    population: int
    places: int
    places_per_1000: float
    target_per_1000: float
    places_needed: int = Field(description="ceil(target × population / 1000) − places, 0 once "
                               "reached")
    years: list[int]
    under_3: int
    subdistricts: list[PlanningSubdistrictOut]


class WhatIfQuery(Query):
    """Checked by the service after the district's scope (so a district out of reach is 404
    whatever the query): 422 for places not a whole number from 1 to 2000, or a subdistrict
    not known in the district."""

    subdistrict: str | None = Field(None, max_length=200, description="a subdistrict of the "
                                    "district (required)")
    places: str | None = Field(None, max_length=20, description="the new centre's places, a "
                               "whole number from 1 to 2000 (required)")


class WhatIfOut(Out):
    """A new centre's effect, computed without writing anything."""

    district: str
    subdistrict: str
    new_places: int
    places: int
    places_after: int
    places_per_1000: float
    places_per_1000_after: float
    target_per_1000: float
    places_needed: int
    places_needed_after: int
    under_3: int
    places_per_100_under_3: float | None
    places_per_100_under_3_after: float | None


class BirthsIn(Body):
    subdistrict: str = Field(min_length=1, max_length=60)
    year: int
    births: int
    new_subdistrict: bool = Field(False, description="true to name a subdistrict not yet known "
                                  "in the district")


class BirthsOut(Out):
    id: int
    district: str
    subdistrict: str
    year: int
    births: int
