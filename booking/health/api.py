"""The JSON API's intake health checks (docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from . import services
from .schemas import HealthCheckIn, HealthCheckOut


@endpoint("/children/<int:child_id>/health-checks", "POST", summary="Enter an intake health check",
          tags=["health"], permission="health_record.submit", body=HealthCheckIn, response=HealthCheckOut,
          status=201, idempotent=True)
def submit_health_check(child_id: int, body: HealthCheckIn):
    check = services.submit(child_id, g.api_user, **body.model_dump())
    return HealthCheckOut.model_validate(check)


@endpoint("/health-checks/<int:check_id>/verify", "POST",
          summary="Verify a check against the paper form", tags=["health"], permission="health_record.verify",
          response=HealthCheckOut, errors=(409,))
def verify_health_check(check_id: int):
    return HealthCheckOut.model_validate(services.verify(check_id, g.api_user))
