"""The JSON API's allocation rounds (docs/api.md, docs/allocation.md)."""
from flask import g
from sqlalchemy import func, select

from ..api.framework import endpoint
from ..clock import now as clock_now
from ..errors import NotFound
from ..extensions import db
from . import answers, applications, drawing, results, rounds
from .models import Application, AppStatus, Round
from .schemas import (ApplicationIn, ApplicationOut, ChoicesIn, EvidenceIn, ResultsOut, RoundIn,
                      RoundOut)


def round_out(rnd: Round) -> dict:
    count = db.session.scalar(select(func.count(Application.id)).where(
        Application.round_id == rnd.id, Application.status != AppStatus.WITHDRAWN)) or 0
    return {"id": rnd.id, "name": rnd.name, "status": rounds.status_at(rnd, clock_now()),
            "slot_ids": rounds.slot_ids_of(rnd), "opens_at": rnd.opens_at,
            "closes_at": rnd.closes_at, "max_choices": rnd.max_choices,
            "tiers": rounds.tiers_of(rnd), "offer_days": rnd.offer_days,
            "seed_sha256": rnd.seed_sha256, "inputs_sha256": rnd.inputs_sha256,
            "applications": count}


def application_out(app: Application, explain: bool = False) -> dict:
    out = {"id": app.id, "round_id": app.round_id, "child_id": app.members[0].child_id
           if app.members else None, "child_ids": [m.child_id for m in app.members],
           "size": app.size, "choices": app.choice_ids, "priority": app.priority,
           "tier": app.tier, "claimed_tier": app.claimed_tier,
           "evidence_status": app.evidence_status,
           "status": applications.shown_status(app, clock_now()),
           "lottery": app.lottery, "slot_id": app.slot_id, "choice_rank": app.choice_rank,
           "reservation_ids": [m.reservation_id for m in app.members if m.reservation_id]}
    if out["child_id"] is None:  # withdrawn: the child rows went, the audit log keeps them
        out["child_id"], out["child_ids"] = 0, []
    if explain and app.round.status == "drawn":
        out["explanations"] = [{k: w[k] for k in ("choice_rank", "slot_id", "outcome", "text")}
                               for w in results.explanations(app.round, app)]
    return out


@endpoint("/rounds", "POST", summary="Create an allocation round (统一派位), as a draft",
          tags=["rounds"], permission="round.manage", body=RoundIn, response=RoundOut,
          status=201, errors=(409,), idempotent=True)
def create_round(body: RoundIn):
    return round_out(rounds.create_round(
        g.api_user, name=body.name, slot_ids=body.slot_ids, opens_at=body.opens_at,
        closes_at=body.closes_at, max_choices=body.max_choices, tiers=body.tiers,
        offer_days=body.offer_days))


@endpoint("/rounds", summary="Allocation rounds (drafts only to those who manage them)",
          tags=["rounds"], response=list[RoundOut])
def list_rounds():
    return [round_out(r) for r in rounds.rounds_for(g.get("api_user"), clock_now())]


@endpoint("/rounds/<int:round_id>", summary="One round; its seed's SHA-256 once open",
          tags=["rounds"], response=RoundOut, errors=(404,))
def get_round(round_id: int):
    return round_out(rounds.visible_round(round_id, g.get("api_user")))


@endpoint("/rounds/<int:round_id>/open", "POST", summary="Open the window; commit to the seed",
          tags=["rounds"], permission="round.manage", response=RoundOut, errors=(404, 409))
def open_round(round_id: int):
    return round_out(rounds.open_round(round_id, g.api_user))


@endpoint("/rounds/<int:round_id>/close", "POST", summary="End the window (early)",
          tags=["rounds"], permission="round.manage", response=RoundOut, errors=(404, 409))
def close_round(round_id: int):
    return round_out(rounds.close_round(round_id, g.api_user))


@endpoint("/rounds/<int:round_id>/draw", "POST",
          summary="Draw: deferred acceptance on (tier, lottery); every offer a held place",
          tags=["rounds"], permission="round.manage", response=RoundOut, errors=(404, 409))
def draw_round(round_id: int):
    return round_out(drawing.draw_round(round_id, g.api_user))


@endpoint("/rounds/<int:round_id>/results", summary="The published results (no names)",
          tags=["rounds"], response=ResultsOut, errors=(404, 409))
def round_results(round_id: int):
    return results.results(rounds.visible_round(round_id, g.get("api_user")))


@endpoint("/rounds/<int:round_id>/publication",
          summary="The verification file: inputs, seed, results (check with "
                  "`python -m booking.allocation verify FILE`)",
          tags=["rounds"], errors=(404, 409))
def round_publication(round_id: int):
    return results.publication(rounds.visible_round(round_id, g.get("api_user")))


@endpoint("/rounds/<int:round_id>/applications", "POST",
          summary="Apply for a child (twins as one application), choices most wanted first",
          tags=["rounds"], permission="round.apply", body=ApplicationIn,
          response=ApplicationOut, status=201, errors=(404, 409), idempotent=True)
def apply(round_id: int, body: ApplicationIn):
    return application_out(applications.apply(
        round_id, g.api_user, child_id=body.child_id, choices=body.choices, tier=body.tier,
        evidence=body.evidence))


@endpoint("/rounds/<int:round_id>/applications/mine", summary="The parent's applications",
          tags=["rounds"], permission="round.apply", response=list[ApplicationOut],
          errors=(404,))
def my_applications(round_id: int):
    rounds.visible_round(round_id, g.api_user)
    return [application_out(a, explain=True)
            for a in applications.applications_of(g.api_user, round_id)]


@endpoint("/rounds/<int:round_id>/applications/<int:app_id>",
          summary="One application, with a sentence per choice once drawn", tags=["rounds"],
          auth="any", response=ApplicationOut, errors=(404,))
def get_application(round_id: int, app_id: int):
    app = applications.visible_application(app_id, g.api_user)
    if app.round_id != round_id:
        raise NotFound()
    return application_out(app, explain=True)


@endpoint("/rounds/<int:round_id>/applications/<int:app_id>", "PUT",
          summary="Re-rank the choices while the window is open", tags=["rounds"],
          permission="round.apply", body=ChoicesIn, response=ApplicationOut,
          errors=(404, 409))
def change_choices(round_id: int, app_id: int, body: ChoicesIn):
    return application_out(applications.change_choices(round_id, app_id, g.api_user,
                                                       body.choices))


@endpoint("/rounds/<int:round_id>/applications/<int:app_id>/withdraw", "POST",
          summary="Withdraw an application while the window is open", tags=["rounds"],
          permission="round.apply", response=ApplicationOut, errors=(404, 409))
def withdraw(round_id: int, app_id: int):
    return application_out(applications.withdraw(round_id, app_id, g.api_user))


@endpoint("/rounds/<int:round_id>/applications/<int:app_id>/evidence", "POST",
          summary="Accept or reject a claimed tier's evidence (before the window closes)",
          tags=["rounds"], permission="round.evidence", body=EvidenceIn,
          response=ApplicationOut, errors=(404, 409))
def check_evidence(round_id: int, app_id: int, body: EvidenceIn):
    app = applications.check_evidence(app_id, g.api_user, body.accepted)
    return application_out(app)


@endpoint("/rounds/<int:round_id>/applications/<int:app_id>/accept", "POST",
          summary="Keep the place the draw offered", tags=["rounds"], permission="round.apply",
          response=ApplicationOut, errors=(404, 409))
def accept(round_id: int, app_id: int):
    return application_out(answers.accept(round_id, app_id, g.api_user))


@endpoint("/rounds/<int:round_id>/applications/<int:app_id>/decline", "POST",
          summary="Turn down the place the draw offered (it goes to the next family)",
          tags=["rounds"], permission="round.apply", response=ApplicationOut,
          errors=(404, 409))
def decline(round_id: int, app_id: int):
    return application_out(answers.decline(round_id, app_id, g.api_user))
