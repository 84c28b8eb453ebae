"""The JSON API of complaints (docs/complaints.md, docs/api.md)."""
from flask import g

from ..api.framework import endpoint
from ..auth.views import login_limit
from ..errors import NotFound
from . import queries, services
from .schemas import (AccountIn, CloseIn, ComplaintIn, FiledOut, RegulatorComplaintOut,
                      RegulatorQuery, StaffComplaintOut, TrackOut)


def staff_out(c) -> dict:
    return {"id": c.id, "category": c.category, "body": c.body, "status": c.status,
            "received_at": c.received_at, "account_due_on": c.account_due_on,
            "account": c.account, "outcome": c.outcome}


def regulator_out(c) -> dict:
    return dict(staff_out(c), centre_id=c.centre_id, centre_name=c.centre.name,
                district=c.district.code, anonymous=c.anonymous, contact=c.contact,
                complainant_user_id=c.complainant_user_id, due_on=c.due_on,
                provisional=c.provisional, overdue=queries.is_overdue(c), asked_at=c.asked_at,
                answered_at=c.answered_at, outcome_text=c.outcome_text, closed_at=c.closed_at,
                inspection_id=c.inspection_id)


@endpoint("/centres/<int:centre_id>/complaints", "POST", summary="File a complaint about a "
          "centre (anonymous allowed, with a contact)", tags=["complaints"], body=ComplaintIn,
          response=FiledOut, status=201, limit=login_limit, errors=(404, 422))
def file_complaint(centre_id: int, body: ComplaintIn):
    user = g.get("api_user")
    c = services.file_complaint(centre_id, category=body.category, body=body.body,
                                contact=body.contact, anonymous=body.anonymous, user=user)
    return {"id": c.id, "tracking_code": c.tracking_code, "status": c.status,
            "due_on": c.due_on, "provisional": c.provisional}


@endpoint("/complaints/track/<code>", summary="A complaint's status by its tracking code",
          tags=["complaints"], response=TrackOut, errors=(404,))
def track_complaint(code: str):
    c = queries.by_code(code)
    if c is None:
        raise NotFound()
    return {"centre_name": c.centre.name, "category": c.category, "status": c.status,
            "received_at": c.received_at, "due_on": c.due_on, "provisional": c.provisional,
            "outcome": c.outcome, "outcome_text": c.outcome_text,
            "inspection_opened": c.inspection_id is not None}


@endpoint("/regulator/complaints", summary="Complaints in the jurisdiction", tags=["complaints"],
          permission="complaint.handle", query=RegulatorQuery,
          response=list[RegulatorComplaintOut])
def regulator_complaints(query: RegulatorQuery):
    return [regulator_out(c) for c in queries.for_regulator(g.api_user, query.status)]


@endpoint("/regulator/complaints/<int:complaint_id>", summary="One complaint, with its contact",
          tags=["complaints"], permission="complaint.handle", response=RegulatorComplaintOut,
          errors=(404,))
def regulator_complaint(complaint_id: int):
    return regulator_out(services.for_regulator(complaint_id, g.api_user))


@endpoint("/regulator/complaints/<int:complaint_id>/ask-centre", "POST",
          summary="Ask the centre for its account (due in 5 working days)", tags=["complaints"],
          permission="complaint.handle", response=RegulatorComplaintOut, errors=(404, 409))
def ask_centre(complaint_id: int):
    return regulator_out(services.ask_centre(complaint_id, g.api_user))


@endpoint("/regulator/complaints/<int:complaint_id>/close", "POST",
          summary="Record the outcome; optionally open an inspection", tags=["complaints"],
          permission="complaint.handle", body=CloseIn, response=RegulatorComplaintOut,
          errors=(404, 409, 422))
def close_complaint(complaint_id: int, body: CloseIn):
    return regulator_out(services.close(complaint_id, g.api_user, outcome=body.outcome,
                                        text=body.text, inspect=body.open_inspection))


@endpoint("/staff/complaints", summary="Complaints the centre has been asked about (no "
          "complainant's identity or contact)", tags=["complaints"],
          permission="complaint.account", response=list[StaffComplaintOut])
def staff_complaints():
    user = g.api_user
    return [staff_out(c) for c in queries.for_centre(user.centre_id)] if user.centre_id else []


@endpoint("/staff/complaints/<int:complaint_id>/account", "POST",
          summary="The centre's account of a complaint", tags=["complaints"],
          permission="complaint.account", body=AccountIn, response=StaffComplaintOut,
          errors=(404, 409, 422))
def complaint_account(complaint_id: int, body: AccountIn):
    return staff_out(services.submit_account(complaint_id, g.api_user, body.account))
