"""The JSON API's reservations: holds and enrolments (docs/api.md)."""
from flask import g, request

from ..api.framework import endpoint, parse_body
from ..api.pagination import page_of
from ..clock import now
from . import choices, enrolment, far_off, leaving, queries, services
from .models import Reservation
from ..health.services import intake_readiness
from .schemas import (CancelIn, ConfirmOut, DeclineIn, ExtendIn, ExtendOut, LeavingIn, LeavingOut, ReservationIn, ReservationOut, ReservationPage, ReservationQuery, StatusOut,
                      WithdrawIn)


def reservation_out(r: Reservation) -> dict:
    # A lapsed hold is expired and a past leaver withdrawn, whether or not a sweep has run.
    status = queries.shown_status(r, now())
    return {"id": r.id, "status": status, "expires_at": r.expires_at, "slot_id": r.slot_id,
            "child_id": r.child_id, "centre_id": r.slot.centre_id, "created_at": r.created_at,
            "enrolled_at": r.enrolled_at, "ended_at": r.ended_at,
            "replaces_reservation_id": r.replaces_id,
            "transfer": status == "held" and r.replaces_id is not None
            and r.replaces is not None and r.replaces.status == "enrolled",
            "together": [t.id for t in getattr(r, "together", [])]}


@endpoint("/reservations", "POST", summary="Hold a place for a child", tags=["reservations"],
          permission="reservation.create", body=ReservationIn, response=ReservationOut, status=201,
          errors=(404, 409, 422, 503), idempotent=True)
def create_reservation(body: ReservationIn):
    r = services.place_hold(slot_id=body.slot_id, child_id=body.child_id, parent=g.api_user,
                            transfer=body.transfer, with_multiples=body.with_multiples)
    return reservation_out(r)


@endpoint("/reservations", summary=("Parents: their own; staff: their centre's; regulators: "
                                   "their jurisdiction's; admins: all (filter by centre, "
                                   "district, city, status)"),
          tags=["reservations"], auth="any", query=ReservationQuery, response=ReservationPage)
def list_reservations(query: ReservationQuery):
    rows, total = queries.listed_reservations(
        g.api_user, centre_id=query.centre_id, district=query.district, city=query.city,
        status=query.status, slot_id=query.slot_id, page=query.page, per_page=query.per_page)
    return page_of([reservation_out(r) for r in rows], total, query)

@endpoint("/reservations/<int:reservation_id>", summary="One reservation",
          tags=["reservations"], permission="reservation.read", response=ReservationOut)
def get_reservation(reservation_id: int):
    r = services.visible_reservation(reservation_id, g.api_user)
    out = reservation_out(r)
    if out["status"] == "held":  # what the hold still needs before the centre can confirm it
        rd = intake_readiness(r.child_id, r.slot)
        out["intake_check"] = {"state": rd.state, "earliest_exam_on": rd.earliest_exam_on,
                               "check_id": rd.check.id if rd.check else None}
    return out


@endpoint("/reservations/<int:reservation_id>/cancel", "POST",
          summary="Cancel a held place; optional body `{\"reason\"}` (at most 200 characters), "
                  "told to the family when the centre cancels",
          tags=["reservations"], permission="reservation.cancel", response=StatusOut,
          errors=(409, 422))
def cancel_reservation(reservation_id: int):
    body = parse_body(CancelIn) if request.get_data(cache=True) else CancelIn()
    r = services.cancel(reservation_id, g.api_user, reason=body.reason)
    return {"id": r.id, "status": r.status}


@endpoint("/reservations/<int:reservation_id>/keep", "POST",
          summary="Keep a hold on a far-off start until its intake check is due (the check "
                  "cannot be valid on the start date if made now; docs/domain.md)",
          tags=["reservations"], permission="reservation.cancel", response=ReservationOut,
          errors=(409,))
def keep_reservation(reservation_id: int):
    return reservation_out(far_off.keep_until_due(reservation_id, g.api_user))


@endpoint("/reservations/<int:reservation_id>/confirm", "POST",
          summary="Enrol: needs a verified passing intake health check", tags=["reservations"],
          permission="reservation.confirm", response=ConfirmOut, errors=(409,))
def confirm_reservation(reservation_id: int):
    r = enrolment.confirm(reservation_id, g.api_user)
    out = {"id": r.id, "status": r.status}
    if r.ratio_warning:  # only when the roster falls short, so the usual answer stays as it was
        out["ratio_warning"] = r.ratio_warning
    return out


@endpoint("/reservations/<int:reservation_id>/withdraw", "POST",
          summary="Leave care: end an enrolment on its leaving date (the place goes to the waitlist)",
          tags=["reservations"], permission="reservation.withdraw", body=WithdrawIn, response=StatusOut,
          errors=(409,))
def withdraw_reservation(reservation_id: int, body: WithdrawIn):
    r = leaving.end_care(reservation_id, g.api_user, body.on_date, body.reason)
    return {"id": r.id, "status": r.status}


@endpoint("/reservations/<int:reservation_id>/take", "POST",
          summary="Take a place offered while the child holds another (that hold ends)",
          tags=["reservations"], permission="reservation.cancel", response=ReservationOut,
          errors=(409,))
def take_offer(reservation_id: int):
    return reservation_out(choices.take_offer(reservation_id, g.api_user))


@endpoint("/reservations/<int:reservation_id>/decline", "POST",
          summary="Decline a held place or offer; optionally keep waiting for the slot",
          tags=["reservations"], permission="reservation.cancel", body=DeclineIn,
          response=StatusOut, errors=(409,))
def decline_offer(reservation_id: int, body: DeclineIn):
    r = choices.decline_offer(reservation_id, g.api_user, keep_waiting=body.keep_waiting)
    return {"id": r.id, "status": r.status}


@endpoint("/reservations/<int:reservation_id>/extend", "POST",
          summary="Keep a held place longer (at the latest to the end of its start date)",
          tags=["reservations"], permission="reservation.extend", body=ExtendIn, response=ExtendOut,
          errors=(409, 422))
def extend_reservation(reservation_id: int, body: ExtendIn):
    r = services.extend_hold(reservation_id, g.api_user, body.expires_at)
    return {"id": r.id, "status": r.status, "expires_at": r.expires_at}


@endpoint("/reservations/<int:reservation_id>/leaving", "POST",
          summary="Correct a leaving date still ahead, or undo it (on_date null)",
          tags=["reservations"], permission="reservation.leaving_change", body=LeavingIn, response=LeavingOut,
          errors=(409, 422))
def change_leaving(reservation_id: int, body: LeavingIn):
    r = leaving.change_leaving(reservation_id, g.api_user, body.on_date, body.reason)
    return {"id": r.id, "status": r.status, "leaves_on": r.leaves_on}
