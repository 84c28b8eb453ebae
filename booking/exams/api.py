"""The JSON API of 入托体检 as a service (docs/exams.md): institutions and their accounts,
exam sessions, families' appointments, the institution's lists and the regulators' counts."""
from flask import g
from flask_babel import gettext as _

from ..api.framework import endpoint
from ..api.pagination import page_of
from ..clock import now as clock_now
from . import appointments, exam_sessions, institutions, stats
from .models import ExamAppointment, ExamSession, HealthInstitution
from .schemas import (InstitutionAccountIn, InstitutionAccountOut, AppointmentIn, AppointmentOut, ExamSessionCancelIn,
                      ExamSessionIn, ExamSessionOut, ExamSessionPage, ExamSessionQuery,
                      InstitutionIn, InstitutionOut, InstitutionPatch, ExamMarkIn, ExamMoveIn,
                      SessionAppointmentOut, ExamStatsOut, ExamStatsQuery, SuggestionOut,
                      SuggestionQuery)

TAGS = ["exams"]


def institution_out(i: HealthInstitution) -> dict:
    return {"id": i.id, "name": i.name, "kind": i.kind, "district_id": i.district_id,
            "address": i.address, "phone": i.phone,
            "cancel_cutoff_hours": i.cancel_cutoff_hours, "active": i.active}


def session_out(s: ExamSession, booked: int) -> dict:
    return {"id": s.id, "institution_id": s.institution_id,
            "institution_name": s.institution.name, "district_id": s.institution.district_id,
            "starts_at": s.starts_at, "ends_at": s.ends_at, "capacity": s.capacity,
            "booked": booked, "available": max(s.capacity - booked, 0), "items": s.items or [],
            "bring": s.bring, "cancel_cutoff_at": exam_sessions.cancel_cutoff(s),
            "cancelled_at": s.cancelled_at}


def appointment_out(a: ExamAppointment) -> dict:
    s = a.session
    return {"id": a.id, "status": a.status, "session_id": s.id, "child_id": a.child_id,
            "institution_id": s.institution_id, "starts_at": s.starts_at, "ends_at": s.ends_at,
            "reservation_id": a.reservation_id,
            "cancel_cutoff_at": exam_sessions.cancel_cutoff(s), "created_at": a.created_at,
            "cancelled_at": a.cancelled_at, "cancel_reason": a.cancel_reason,
            "moved_to_id": a.moved_to_id, "marked_at": a.marked_at}


def _spec(body) -> institutions.InstitutionSpec:
    return institutions.InstitutionSpec(
        name=body.name, kind=body.kind, district_id=body.district_id, address=body.address,
        phone=body.phone, cancel_cutoff_hours=body.cancel_cutoff_hours)


# --- institutions (regulators within their jurisdiction, admins) ---------------------------

@endpoint("/institutions", summary="Health institutions of the jurisdiction", tags=TAGS,
          permission="institution.manage", response=list[InstitutionOut])
def list_institutions():
    return [institution_out(i) for i in institutions.listed(g.api_user)]


@endpoint("/institutions", "POST", summary="Register a health institution", tags=TAGS,
          permission="institution.manage", body=InstitutionIn, response=InstitutionOut,
          status=201, idempotent=True)
def create_institution(body: InstitutionIn):
    return institution_out(institutions.register(_spec(body), actor=g.api_user))


@endpoint("/institutions/<int:institution_id>", summary="One health institution", tags=TAGS,
          permission="institution.manage", response=InstitutionOut)
def get_institution(institution_id: int):
    return institution_out(institutions.visible_institution(institution_id, g.api_user))


@endpoint("/institutions/<int:institution_id>", "PUT",
          summary="Change a health institution (active=false takes it off the list)",
          tags=TAGS, permission="institution.manage", body=InstitutionPatch,
          response=InstitutionOut)
def put_institution(institution_id: int, body: InstitutionPatch):
    return institution_out(institutions.edit(institution_id, _spec(body), actor=g.api_user,
                                             active=body.active))


def account_out(u) -> dict:
    return {"id": u.id, "name": u.name, "role": u.institution_role, "login": u.login,
            "active": u.active}


@endpoint("/institutions/<int:institution_id>/accounts",
          summary="The institution's doctor, nurse and clerk accounts", tags=TAGS,
          permission="institution.manage", response=list[InstitutionAccountOut])
def list_accounts(institution_id: int):
    inst = institutions.visible_institution(institution_id, g.api_user)
    return [account_out(u) for u in institutions.accounts_of(inst)]


@endpoint("/institutions/<int:institution_id>/accounts", "POST",
          summary="Make a doctor's, nurse's or clerk's account", tags=TAGS,
          permission="institution.manage", body=InstitutionAccountIn, response=InstitutionAccountOut, status=201,
          errors=(409,))
def create_account(institution_id: int, body: InstitutionAccountIn):
    u = institutions.create_account(institution_id, actor=g.api_user, name=body.name,
                                    role=body.role, password=body.password, email=body.email,
                                    phone=body.phone)
    return account_out(u)


@endpoint("/institutions/<int:institution_id>/accounts/<int:user_id>/deactivate", "POST",
          summary="Stop an institution account", tags=TAGS, permission="institution.manage",
          response=InstitutionAccountOut)
def deactivate_account(institution_id: int, user_id: int):
    return account_out(institutions.deactivate_account(institution_id, user_id,
                                                       actor=g.api_user))


# --- sessions ---------------------------------------------------------------------------------

@endpoint("/exam-sessions", summary="Bookable exam sessions with their free places", tags=TAGS,
          query=ExamSessionQuery, response=ExamSessionPage)
def list_exam_sessions(query: ExamSessionQuery):
    rows, total = exam_sessions.open_sessions(
        now=clock_now(), district_id=query.district_id, institution_id=query.institution_id,
        date_from=query.from_, has_places=query.has_places, page=query.page,
        per_page=query.per_page)
    return page_of([session_out(s, n) for s, n in rows], total, query)


@endpoint("/exam-sessions", "POST",
          summary="Publish an exam session, or one on each of several working days (a list)",
          tags=TAGS, permission="exam.schedule", body=ExamSessionIn,
          response=list[ExamSessionOut], status=201, idempotent=True, errors=(409,))
def create_exam_sessions(body: ExamSessionIn):
    spec = exam_sessions.ExamSessionSpec(on_date=body.on_date, start=body.start_time,
                                         end=body.end_time, capacity=body.capacity,
                                         items=list(body.items), bring=body.bring,
                                         days=body.days)
    made = exam_sessions.publish(g.api_user.institution_id, spec, actor=g.api_user)
    return [session_out(s, 0) for s in made]


@endpoint("/exam-sessions/<int:exam_session_id>/cancel", "POST",
          summary="Call a session off (its appointments are cancelled, families told)",
          tags=TAGS, permission="exam.schedule", body=ExamSessionCancelIn, response=ExamSessionOut,
          errors=(409,))
def cancel_exam_session(exam_session_id: int, body: ExamSessionCancelIn):
    s = exam_sessions.cancel_session(exam_session_id, actor=g.api_user, reason=body.reason)
    return session_out(s, exam_sessions.booked_count(s.id))


@endpoint("/exam-sessions/<int:exam_session_id>/appointments",
          summary="The session's open appointments: booked ones, and the day's no-shows "
                  "(the institution's own accounts; docs/exams.md)", tags=TAGS,
          permission="exam.attendance", response=list[SessionAppointmentOut])
def session_appointments(exam_session_id: int):
    s = exam_sessions.own_session(exam_session_id, g.api_user, "exam.attendance")
    return [{**appointment_out(a), "child_name": a.child.name}
            for a in exam_sessions.session_appointments(s.id)]


@endpoint("/exam-appointments/<int:appointment_id>/mark", "POST",
          summary="Mark a child arrived or a no-show (the session's day)", tags=TAGS,
          permission="exam.attendance", body=ExamMarkIn, response=AppointmentOut, errors=(409,))
def mark_appointment(appointment_id: int, body: ExamMarkIn):
    return appointment_out(appointments.mark(appointment_id, actor=g.api_user,
                                             status=body.status))


# --- families -------------------------------------------------------------------------------

@endpoint("/children/<int:child_id>/exam-appointments", summary="The child's exam appointments",
          tags=TAGS, permission="exam.book", response=list[AppointmentOut])
def child_appointments(child_id: int):
    return [appointment_out(a) for a in appointments.for_child(g.api_user, child_id)]


@endpoint("/children/<int:child_id>/exam-appointments", "POST",
          summary="Book an exam (one live appointment per child)", tags=TAGS,
          permission="exam.book", body=AppointmentIn, response=AppointmentOut, status=201,
          errors=(404, 409), idempotent=True)
def book_appointment(child_id: int, body: AppointmentIn):
    return appointment_out(appointments.book(child_id=child_id, session_id=body.session_id,
                                             parent=g.api_user,
                                             reservation_id=body.reservation_id))


def reason_of(sug: dict) -> str:
    if sug["latest"] is None:
        return _("没有待入托的托位：推荐最早有空位的场次。")
    return _("入托日期 %(start)s，体检结果有效 %(days)s 天：%(earliest)s 或以后体检，入托时仍有效。",
             start=sug["latest"].isoformat(), days=sug["valid_days"],
             earliest=sug["earliest"].isoformat())


@endpoint("/children/<int:child_id>/exam-suggestion",
          summary="The earliest session whose result is still valid on the hold's start date",
          tags=TAGS, permission="exam.book", query=SuggestionQuery, response=SuggestionOut)
def exam_suggestion(child_id: int, query: SuggestionQuery):
    sug = appointments.suggest(g.api_user, child_id, query.reservation_id)
    s = sug["session"]
    return {"session": session_out(s, sug["booked"]) if s else None,
            "earliest": sug["earliest"], "latest": sug["latest"],
            "valid_days": sug["valid_days"], "reason": reason_of(sug)}


@endpoint("/exam-appointments/<int:appointment_id>", summary="One exam appointment", tags=TAGS,
          auth=("parent", "institution"), response=AppointmentOut)
def get_appointment(appointment_id: int):
    return appointment_out(appointments.visible(appointment_id, g.api_user))


@endpoint("/exam-appointments/<int:appointment_id>/cancel", "POST",
          summary="Cancel an appointment (until the institution's cut-off)", tags=TAGS,
          permission="exam.book", response=AppointmentOut, errors=(409,))
def cancel_appointment(appointment_id: int):
    return appointment_out(appointments.cancel(appointment_id, parent=g.api_user))


@endpoint("/exam-appointments/<int:appointment_id>/move", "POST",
          summary="Move an appointment to another session (one transaction)", tags=TAGS,
          permission="exam.book", body=ExamMoveIn, response=AppointmentOut, errors=(409,))
def move_appointment(appointment_id: int, body: ExamMoveIn):
    return appointment_out(appointments.move(appointment_id, session_id=body.session_id,
                                             parent=g.api_user))


# --- counts for regulators --------------------------------------------------------------------

@endpoint("/exam-stats", summary="Counts per institution and district of the jurisdiction",
          tags=TAGS, permission="exam.stats", query=ExamStatsQuery, response=ExamStatsOut)
def exam_stats(query: ExamStatsQuery):
    return stats.exam_stats(g.api_user, date_from=query.from_, date_to=query.to)
