"""Who may do what: one table of (role, action) → the reach over objects (docs/permissions.md).

Pages (`permission_required`) and the API (`endpoint(..., permission=...)`) both ask this
table, and services ask it again for the rules they own, so a power is granted in one place.

A *principal* is a staff account's staff role (director, carer, health, finance), else the
account's role (parent, regulator, admin). An action a principal is not listed for is refused
(403). A listed action carries the rule for which objects it reaches:

- OWN: the user's own records and their children's (guardianship);
- CENTRE: the objects of the staff account's own centre;
- JURISDICTION: centres in the regulator's district or city (regulator/jurisdiction.py);
- INSTITUTION: the objects of the health institution the account belongs to, and of those
  only the children booked with it while the appointment and its result are open
  (exams/access.py);
- OPERATOR: the centres the operator whose 运营负责人 the account is runs now
  (operators/managers.py); an account that manages none reaches nothing (404);
- ALL: everything (admins).

Outside the reach an object is answered as missing (404), so the reach leaks nothing.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..centres.models import Centre
from ..extensions import db
from ..regulator.jurisdiction import holds_centre
from .models import INSTITUTION_ROLES, STAFF_ROLES

OWN, CENTRE, JURISDICTION, ALL = "own", "centre", "jurisdiction", "all"
INSTITUTION = "institution"
OPERATOR = "operator"

PRINCIPALS = ("parent", *STAFF_ROLES, "regulator", "admin", *INSTITUTION_ROLES)
_CARE = {"director": CENTRE, "carer": CENTRE, "health": CENTRE}
_MONEY = {"director": CENTRE, "finance": CENTRE, "admin": ALL}
_DIRECTOR = {"director": CENTRE}
_SUPERVISION = {"regulator": JURISDICTION, "admin": ALL}

TABLE: dict[str, dict[str, str]] = {
    # A family's own affairs.
    "child.manage": {"parent": OWN},
    "family.read": {"parent": OWN},
    "privacy.self": {"parent": OWN},
    "reservation.create": {"parent": OWN},
    "waitlist.join": {"parent": OWN},
    "session.book": {"parent": OWN},
    "statement.read": {"parent": OWN},
    "round.apply": {"parent": OWN},
    # Places, enrolment and the waitlist: the director's.
    "reservation.read": {"parent": OWN, "director": CENTRE, "health": CENTRE, "finance": CENTRE,
                         "regulator": JURISDICTION, "admin": ALL},
    "reservation.cancel": {"parent": OWN, "director": CENTRE},
    "reservation.withdraw": {"parent": OWN, "director": CENTRE},
    "reservation.leaving_change": _DIRECTOR,
    "reservation.confirm": _DIRECTOR,
    "reservation.extend": _DIRECTOR,
    "waitlist.manage": _DIRECTOR,
    "slot.manage": {"director": CENTRE, "admin": ALL},
    "session.manage": {"director": CENTRE, "admin": ALL},
    "session.cancel_booking": {"parent": OWN, "director": CENTRE},
    # The day's care: morning checks and attendance.
    "attendance.read": _CARE,
    "attendance.record": _CARE,
    # The daily record (家托共育): the centre's carers write it, the family reads it.
    "daily.read": {"parent": OWN, **_CARE},
    "daily.record": _CARE,
    # Absences and the pickup list (docs/absences.md): the family reports and keeps them, the
    # centre's care staff read them and follow up; regulators never see them.
    "absence.report": {"parent": OWN},
    "absence.read": {"parent": OWN, **_CARE},
    "absence.follow_up": _CARE,
    "absence.settings": _DIRECTOR,
    "pickup.manage": {"parent": OWN},
    "pickup.read": {"parent": OWN, **_CARE},
    # Messages between a child's guardians and its centre (docs/messages.md): the care roles
    # speak for the centre; bulletins are the director's.
    "message.read": {"parent": OWN, **_CARE},
    "message.send": {"parent": OWN, **_CARE},
    "bulletin.send": _DIRECTOR,
    "bulletin.read": {"parent": OWN, "director": CENTRE},
    # Intake health checks (PIPL sensitive information): regulators read one with a reason.
    "health_record.read": {"parent": OWN, "director": CENTRE, "health": CENTRE,
                           "regulator": JURISDICTION},
    "health_record.submit": {"parent": OWN, "director": CENTRE, "health": CENTRE},
    "health_record.verify": {"director": CENTRE, "health": CENTRE},
    # Health notes and growth (医育结合, docs/growth.md): the family and the centre's care staff
    # read them (each staff read logged); the director and the health worker add to them.
    "health_note.read": {"parent": OWN, **_CARE},
    "health_note.write": {"parent": OWN, "director": CENTRE, "health": CENTRE},
    "growth.read": {"parent": OWN, **_CARE},
    "growth.record": {"parent": OWN, "director": CENTRE, "health": CENTRE},
    # Outbreak early warning (docs/outbreaks.md): the director and the health worker see the
    # children and acknowledge; regulators see counts only.
    "outbreak.read": {"director": CENTRE, "health": CENTRE, "regulator": JURISDICTION,
                      "admin": ALL},
    "outbreak.acknowledge": {"director": CENTRE, "health": CENTRE},
    # Complaints (社会监督, docs/complaints.md): the district's regulators handle them; the
    # centre's director sees those passed on (without who complained) and answers.
    "complaint.handle": _SUPERVISION,
    "complaint.account": _DIRECTOR,
    # 普惠 recognition and star ratings (docs/recognition.md): the director applies, the
    # district's regulators decide.
    "recognition.apply": _DIRECTOR,
    "recognition.read": {"director": CENTRE, "regulator": JURISDICTION, "admin": ALL},
    "recognition.decide": _SUPERVISION,
    # Dynamic evaluation (docs/evaluation.md): the director assesses the centre and reports
    # fixes; the district's regulators inspect item by item and verify the fixes.
    "evaluation.self": _DIRECTOR,
    "evaluation.read": {"director": CENTRE, "regulator": JURISDICTION, "admin": ALL},
    "evaluation.inspect": _SUPERVISION,
    # Rosters: carers and health workers read the week; the director plans it.
    "roster.read": {**_CARE, "regulator": JURISDICTION, "admin": ALL},
    "roster.manage": {"director": CENTRE, "admin": ALL},
    # Fees, payments, refunds and the ledger.
    "fees.read": _MONEY,
    "fees.record": _MONEY,
    # The centre itself and its accounts.
    "centre.filing": _DIRECTOR,
    "centre.edit": {"director": CENTRE, "admin": ALL},  # its location (docs/search.md)
    "staff_accounts.manage": {"director": CENTRE, "admin": ALL},
    # Supervision and the platform.
    "centre.register": _SUPERVISION,
    "supervision.read": _SUPERVISION,
    "supervision.act": _SUPERVISION,
    # Allocation rounds (统一派位): set up and drawn by the regulator over its centres' slots;
    # a claimed tier's evidence is checked by the centre the family chose first, or the regulator.
    "round.manage": _SUPERVISION,
    "round.evidence": {"director": CENTRE, "regulator": JURISDICTION, "admin": ALL},
    # City policy versions (docs/subsidies.md): read within the jurisdiction's city; changed by
    # the city's own regulators and admins only (policy/changes.py narrows it further).
    "policy.read": _SUPERVISION,
    "policy.manage": _SUPERVISION,
    # Planning (docs/planning.md): places against the children under 3 per subdistrict, and
    # the births per subdistrict it rests on, entered and corrected within the jurisdiction.
    "planning.read": _SUPERVISION,
    "planning.births": _SUPERVISION,
    # 入托体检 as a service (docs/exams.md): districts' regulators and admins register health
    # institutions and their accounts; the institution publishes sessions, the family books,
    # the nurse and doctor enter the examination and only the doctor signs it. Regulators see
    # counts, never the records.
    "institution.manage": _SUPERVISION,
    "exam.book": {"parent": OWN},
    "exam.schedule": {"doctor": INSTITUTION, "nurse": INSTITUTION, "clerk": INSTITUTION},
    "exam.attendance": {"doctor": INSTITUTION, "nurse": INSTITUTION, "clerk": INSTITUTION},
    "exam.record": {"doctor": INSTITUTION, "nurse": INSTITUTION},
    "exam.sign": {"doctor": INSTITUTION},
    "exam.stats": _SUPERVISION,
    # Operators (docs/operators.md): the organisations that run several centres; registered
    # and linked to centres by the regulators of their district or their centres'. A centre's
    # director reads its own operator.
    "operator.read": {"director": CENTRE, "regulator": JURISDICTION, "admin": ALL},
    "operator.manage": _SUPERVISION,
    # Staff across an operator's centres: any staff account switches between the centres it
    # is assigned to (its own assignments only); the 运营负责人 sees its operator's centres
    # side by side. Adding an account to another centre is staff_accounts.manage.
    "staff.switch": {"director": OWN, "carer": OWN, "health": OWN, "finance": OWN},
    "operator.overview": {"director": OPERATOR},
    # Transfers between an operator's centres: the family, or the director of the child's
    # centre for it, asks; the 运营负责人 decides (operators/transfers.py checks that it
    # manages the transfer's operator); the directors of both centres read them.
    "transfer.request": {"parent": OWN, "director": CENTRE},
    "transfer.read": {"parent": OWN, "director": CENTRE},
    "transfer.decide": {"director": OPERATOR},
    # Employer centres (docs/employers.md): the director registers the employers and sets
    # their quotas of its slots; the regulators of the centre read them.
    "employer.read": {"director": CENTRE, "regulator": JURISDICTION, "admin": ALL},
    "employer.manage": {"director": CENTRE, "admin": ALL},
    "district.create": {"admin": ALL},
    "user.create": {"admin": ALL},
    "user.manage": {"admin": ALL},
}


def principal(user) -> str | None:
    """The row of the table `user` is read from; None for the anonymous."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.role == "staff":
        return user.staff_role
    if user.role == "institution":
        return user.institution_role
    return user.role


def reach(user, action: str) -> str | None:
    """The scope rule of `action` for `user` (OWN, CENTRE, JURISDICTION, ALL), or None."""
    return TABLE[action].get(principal(user))


def allowed(user, action: str) -> bool:
    """May `user`'s role do `action` at all (on some object)?"""
    return reach(user, action) is not None


def can(user, action: str, centre=None) -> bool:
    """May `user` do `action`, on the objects of `centre` (a Centre or its id) when given?

    OWN reaches no centre: a family's reach is by guardianship, decided by the service.
    """
    rule = reach(user, action)
    if rule is None:
        return False
    if centre is None or rule == ALL:
        return True
    centre_id = centre if isinstance(centre, int) else centre.id
    if rule == CENTRE:
        return user.centre_id == centre_id
    if rule == JURISDICTION:
        return holds_centre(user, centre if isinstance(centre, Centre)
                            else db.session.get(Centre, centre_id))
    return False


def roles_for(action: str) -> tuple[str, ...]:
    """The account roles (not staff roles) any of whose principals may do `action`."""
    rows = TABLE[action]
    return tuple(r for r in ("parent", "staff", "regulator", "admin", "institution")
                 if (r in rows) or (r == "staff" and any(s in rows for s in STAFF_ROLES))
                 or (r == "institution" and any(s in rows for s in INSTITUTION_ROLES)))


def permission_required(action: str, own_centre: bool = False):
    """A page for those whose role may do `action`: signed in (else to the login page), and
    403 for the others. The scope of the object stays the service's (404 outside it).

    `own_centre`: the page works on the signed-in account's own centre (the /staff pages), so
    an account without one (an admin) is refused too; admins reach centres through the API.
    """
    if action not in TABLE:
        raise KeyError(action)

    def deco(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not allowed(current_user, action) or (own_centre and current_user.centre_id is None):
                abort(403)
            return view(*args, **kwargs)

        wrapper.permission = action
        wrapper.own_centre = own_centre
        return wrapper

    return deco
