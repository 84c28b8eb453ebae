"""The JSON API of a centre's subsidy claims (docs/subsidies.md, docs/api.md)."""
from flask import g, jsonify

from ..api.framework import endpoint, to_json
from . import claims
from .schemas import ClaimDetailOut, ClaimOut, GenerateIn

FIELDS = ("id", "centre_id", "month", "status", "operating_fen", "sibling_reward_fen",
          "construction_places", "construction_fen", "total_fen", "approved_fen",
          "generated_at", "submitted_at", "decided_at", "decision_reason")


def claim_out(c) -> dict:
    return {k: getattr(c, k) for k in FIELDS}


def detail_out(c) -> dict:
    return dict(claim_out(c), lines=[
        {"child_id": line.child_id, "child_name": line.child.name,
         "reservation_id": line.reservation_id, "days_enrolled": line.days_enrolled,
         "days_attended": line.days_attended, "open_days": line.open_days,
         "operating_fen": line.operating_fen, "sibling_reduction_fen": line.sibling_reduction_fen,
         "sibling_reward_fen": line.sibling_reward_fen} for line in c.lines])


@endpoint("/centres/<int:centre_id>/subsidy-claims", summary="A centre's subsidy claims, "
          "latest month first", tags=["subsidies"], permission="fees.read",
          response=list[ClaimOut], errors=(404,))
def centre_subsidy_claims(centre_id: int):
    centre = claims.centre_for(centre_id, g.api_user)
    return [claim_out(c) for c in claims.of_centre(centre.id)]


@endpoint("/centres/<int:centre_id>/subsidy-claims", "POST", summary="Generate (or regenerate) "
          "the claim of a month that has ended: 201 when made, 200 when rebuilt",
          tags=["subsidies"], permission="fees.read", body=GenerateIn, response=ClaimDetailOut,
          status=201, errors=(404, 409, 422))
def generate_subsidy_claim(centre_id: int, body: GenerateIn):
    claims.centre_for(centre_id, g.api_user)
    claim, made = claims.generate(centre_id, body.month, actor=g.api_user)
    resp = jsonify(to_json(detail_out(claim)))
    resp.status_code = 201 if made else 200
    return resp


@endpoint("/subsidy-claims/<int:claim_id>", summary="One subsidy claim with its lines",
          tags=["subsidies"], permission="fees.read", response=ClaimDetailOut, errors=(404,))
def subsidy_claim(claim_id: int):
    return detail_out(claims.for_centre(claim_id, g.api_user))


@endpoint("/subsidy-claims/<int:claim_id>/submit", "POST", summary="The director submits the "
          "claim to the district (draft or returned only)", tags=["subsidies"],
          permission="fees.read", response=ClaimOut, errors=(403, 404, 409))
def submit_subsidy_claim(claim_id: int):
    claims.for_centre(claim_id, g.api_user)
    return claim_out(claims.submit(claim_id, g.api_user))
