"""The JSON API's regulator reads (docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from . import services
from .schemas import CityCoverageOut, CoverageOut, CoverageQuery, FilingOut, FilingQuery


@endpoint("/regulator/coverage", summary="Places per 1,000 residents by district",
          tags=["regulator"], permission="supervision.read", query=CoverageQuery,
          response=list[CoverageOut])
def coverage(query: CoverageQuery):
    return services.coverage(g.api_user, city=query.city)


@endpoint("/regulator/coverage/cities", summary="Places per 1,000 residents by city",
          tags=["regulator"], permission="supervision.read", query=CoverageQuery,
          response=list[CityCoverageOut])
def coverage_by_city(query: CoverageQuery):
    """The dashboard's city table: the districts of /regulator/coverage summed per city."""
    return services.city_rollup(services.coverage(g.api_user, city=query.city))


@endpoint("/regulator/filings", summary="Filing (备案) records", tags=["regulator"],
          permission="supervision.read", query=FilingQuery, response=list[FilingOut])
def filings(query: FilingQuery):
    return [{"id": f.id, "centre_id": f.centre_id, "centre_name": f.centre.name,
             "district": f.centre.district.code, "status": f.status,
             "filing_number": f.filing_number, "submitted_at": f.submitted_at,
             "decided_at": f.decided_at, "return_reasons": f.return_reasons}
            for f in services.filings(g.api_user, query.status)]
