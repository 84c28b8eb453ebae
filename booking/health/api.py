"""The JSON API's intake health checks (docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from ..extensions import db
from ..reservations import intake
from . import review, services
from .models import HealthCheck
from .schemas import HealthCheckIn, HealthCheckOut, ReturnIn, VerifyEnrolOut


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


@endpoint("/health-checks/<int:check_id>/return", "POST",
          summary="Return a submitted check to the family with a reason (退回); they upload again",
          tags=["health"], permission="health_record.verify", body=ReturnIn,
          response=HealthCheckOut, errors=(404, 409, 422))
def return_health_check(check_id: int, body: ReturnIn):
    return HealthCheckOut.model_validate(review.return_check(check_id, g.api_user, body.reason))


@endpoint("/health-checks/<int:check_id>/verify-and-enrol", "POST",
          summary="Verify a check and confirm the child's hold at the centre in one transaction "
                  "(both or neither)",
          tags=["health"], permission="reservation.confirm", response=VerifyEnrolOut,
          errors=(404, 409))
def verify_and_enrol(check_id: int):
    r = intake.verify_and_enrol(check_id, g.api_user)
    check = db.session.get(HealthCheck, check_id)
    out = {"check": HealthCheckOut.model_validate(check),
           "reservation": {"id": r.id, "status": r.status}}
    if r.ratio_warning:
        out["reservation"]["ratio_warning"] = r.ratio_warning
    return out
