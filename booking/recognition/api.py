"""The JSON API of 普惠 recognition and star ratings (docs/recognition.md, docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from ..clock import today
from . import queries, services
from .schemas import RecognitionApplyIn, RecognitionGrantIn, RecognitionReasonIn, RecognitionOut


def recognition_out(r) -> dict:
    day = today()
    return {"id": r.id, "centre_id": r.centre_id, "centre_name": r.centre.name, "kind": r.kind,
            "stars": r.stars, "status": r.status,
            "in_force": r.status == "granted" and r.valid_from <= day <= r.valid_until,
            "applied_at": r.applied_at, "decided_at": r.decided_at, "valid_from": r.valid_from,
            "valid_until": r.valid_until, "reason": r.reason,
            "criteria": queries.criteria(r.centre, r.kind)}


@endpoint("/centres/<int:centre_id>/recognitions", "POST",
          summary="Apply for 普惠 recognition or a star rating (the centre's director)",
          tags=["recognition"], permission="recognition.apply", body=RecognitionApplyIn,
          response=RecognitionOut, status=201, errors=(404, 409, 422))
def apply_for_recognition(centre_id: int, body: RecognitionApplyIn):
    return recognition_out(services.apply(centre_id, g.api_user, kind=body.kind,
                                          stars=body.stars))


@endpoint("/centres/<int:centre_id>/recognitions", summary="A centre's applications and grants, "
          "newest first", tags=["recognition"], permission="recognition.read",
          response=list[RecognitionOut], errors=(404,))
def centre_recognitions(centre_id: int):
    centre = services.centre_for(centre_id, g.api_user)
    return [recognition_out(r) for r in queries.of_centre(centre.id)]


@endpoint("/recognitions/<int:recognition_id>/grant", "POST",
          summary="Grant an application for a term (district regulators)", tags=["recognition"],
          permission="recognition.decide", body=RecognitionGrantIn, response=RecognitionOut,
          errors=(404, 409, 422))
def grant_recognition(recognition_id: int, body: RecognitionGrantIn):
    return recognition_out(services.grant(recognition_id, g.api_user,
                                          valid_from=body.valid_from,
                                          valid_until=body.valid_until))


@endpoint("/recognitions/<int:recognition_id>/refuse", "POST",
          summary="Refuse an application, with the reason", tags=["recognition"],
          permission="recognition.decide", body=RecognitionReasonIn, response=RecognitionOut,
          errors=(404, 409, 422))
def refuse_recognition(recognition_id: int, body: RecognitionReasonIn):
    return recognition_out(services.refuse(recognition_id, g.api_user, reason=body.reason))


@endpoint("/recognitions/<int:recognition_id>/withdraw", "POST",
          summary="Withdraw a grant, with the reason", tags=["recognition"],
          permission="recognition.decide", body=RecognitionReasonIn, response=RecognitionOut,
          errors=(404, 409, 422))
def withdraw_recognition(recognition_id: int, body: RecognitionReasonIn):
    return recognition_out(services.withdraw(recognition_id, g.api_user, reason=body.reason))
