"""Every route × every role, asserted from the permission table (auth/permissions.py).

Generated from `app.url_map`: each rule and method is tried by the anonymous, two parents,
the staff of two centres in each staff role, district and city regulators of two cities and an
admin, on the objects of centre A (Xi'an, parent 1's family) and centre B (Beijing, parent 2's).

- A route guarded by an action (pages: `permission_required`, API: `endpoint(permission=)`):
  the anonymous are sent to sign in (pages) or get 401 (API); a role the table does not list
  gets 403; a listed role gets 404 for an object outside its reach (centre, guardianship,
  jurisdiction: it is not told the object exists) and is not refused on one inside it.
- Writes are sent (with an empty body) only where they must be refused, and refused they
  change nothing (no audit event: every state change writes one).
- No request answers 500.

One world for the module; a few thousand requests.
"""
import io
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest
from flask import url_for
from sqlalchemy import event, func, select, text
from werkzeug.datastructures import FileStorage

from booking import clock, create_app
from booking.allocation import applications, rounds
from booking.api.framework import OPERATIONS
from booking.audit.models import AuditEvent
from booking.auth import permissions as perms
from booking.auth import tokens as auth_tokens
from booking.auth.models import User
from booking.clock import LOCAL
from booking import config
from booking.extensions import db as _db
from booking.fees import services as fees
from booking.health import services as health
from booking.messages import attachments as message_files
from booking.messages import bulletins
from booking.messages import services as messages
from booking.regulator import inspections
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.rosters import exports as roster_exports
from booking.rosters import services as rosters
from booking.sessions import services as sessions
from booking.waitlists import lottery
from booking.waitlists import services as waitlists
from tests import factories as f
from tests.conftest import IS_PG, NOW

# Cases to skip while a known scope gap is being fixed: (endpoint, method, principal, variant).
# Empty: every regulator is held to its jurisdiction (issue 12).
AWAITING_JURISDICTION: set[tuple[str, str, str, str]] = set()

# Pages whose form is checked before the record is looked up: an empty post is turned back
# before the reach is asked, with the answer each gives (a flash and a redirect back, or
# 400 for a decision that is neither accept nor reject). Nothing changes either way.
VALIDATES_FIRST = {"privacy.id_number": 302, "health.arrive": 302, "health.depart": 302,
                   "reservations.extend": 303, "waitlists.evidence": 400}
# A regulator opens a health record's attachment only by posting a reason (PIPL), so a GET
# is refused (403) even within the jurisdiction.
REASON_FIRST = {("health.attachment", "GET")}

FAMILY = {"child_id", "reservation_id", "booking_id", "check_id", "app_id",
          "thread_id", "attachment_id", "bulletin_id"}  # H3 messages: the last three
FAMILY |= {"note_id"}  # H4 health notes: a note is its child's family's
FAMILY |= {"photo_id"}  # H1 daily record: a photo is its child's family's
FAMILY |= {"application_id"}  # issue 18: an allowance application is its child's family's
FAMILY |= {"appointment_id"}  # issue 22: an exam appointment is its child's family's
FAMILY |= {"transfer_id"}  # issue 23: a transfer between an operator's centres is its child's


def _daily_photo():
    """H1 daily record: a stored PNG for the matrix's photo entries."""
    import io

    from booking.daily import photos

    class _Upload(io.BytesIO):
        filename = "day.png"
    return photos.store(_Upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32))
SKIP = {"static"}
INSPECTION = {"conditions": 90, "staff": 120, "care": 180, "health": 200, "parenting": 70,
              "safety": 180, "management": 60}


def _rules():
    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in SKIP:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method))
    return out


ROUTES = _rules()


@dataclass
class Principal:
    name: str
    user_id: int | None = None
    centre: str | None = None      # "A"/"B" for staff
    family: str | None = None      # "A"/"B" for parents
    region: str | None = None      # "A"/"B" for regulators (the city of that centre)
    institution: str | None = None  # "A"/"B" for a health institution's accounts
    headers: dict = field(default_factory=dict)
    client: object = None


@pytest.fixture(scope="module")
def matrix(database_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    if IS_PG:
        url = database_url
    else:
        shutil.copy(database_url, tmp / "matrix.sqlite")
        url = f"sqlite:///{tmp / 'matrix.sqlite'}"
    app = create_app(config.TestConfig, SQLALCHEMY_DATABASE_URI=url, TUOWEI_UPLOAD_DIR=str(tmp / "up"))
    clock.set(NOW)
    with app.app_context():
        if not IS_PG:
            # A throwaway copy: no need to wait for the disk on each of thousands of commits.
            @event.listens_for(_db.engine, "connect")
            def _no_fsync(dbapi_conn, _record):
                dbapi_conn.execute("PRAGMA synchronous=OFF")
            _db.engine.dispose()
        world = _build(app)
        yield app, world
        _db.session.remove()
        if IS_PG:
            tables = ", ".join(t.name for t in _db.metadata.sorted_tables)
            with _db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        _db.engine.dispose()
    clock.reset()


def _build(app):
    ids = {}
    principals = [Principal("anonymous")]
    admin = f.user("admin")
    for key, city in (("A", "西安"), ("B", "北京")):
        f.policy(city=city)
        d = f.district(city=city)
        c = f.centre(d)
        g = f.group(c)
        slot = f.slot(c, capacity=5, group_id=g.id, starts_on=date(2027, 3, 1))
        director = None
        for role in ("director", "carer", "health", "finance"):
            u = f.user("staff", centre_id=c.id, staff_role=role)
            director = director or u
            principals.append(Principal(f"{role}_{key}", u.id, centre=key))
        parent = f.user()
        principals.append(Principal(f"parent_{key}", parent.id, family=key))
        for scope, kw in (("district", {"district_id": d.id}), ("city", {"city": city})):
            reg = f.user("regulator", **kw)
            principals.append(Principal(f"regulator_{scope}_{key}", reg.id, region=key))
        kid, kid2, kid3 = (f.child(parent) for _ in range(3))
        hold = reservations.place_hold(slot_id=slot.id, child_id=kid.id, parent=parent)
        check = health.submit(kid.id, parent, examined_on=clock.today(), institution="妇幼保健院",
                              result="pass", vaccination_verified=True)
        entry = waitlists.join(slot_id=slot.id, child_id=kid2.id, parent=parent)[0]
        enrolled = Reservation(slot_id=slot.id, child_id=kid3.id, parent_id=parent.id,
                               status="enrolled", enrolled_at=NOW - timedelta(days=30))
        _db.session.add(enrolled)
        _db.session.commit()
        payment = fees.record_payment(c.id, parent.id, 1000, director)
        draw = lottery.publish(slot.id, director)
        spec = sessions.SessionSpec(kind="occasional", age_band="toddler",
                                    on_date=date(2026, 11, 25), start=time(9), end=time(11),
                                    capacity=5, price_per_hour_fen=3000)
        session = sessions.publish(c, spec, actor=director)[0]
        booking = sessions.book(session_id=session.id, child_id=kid.id, parent=parent)
        member = rosters.create_staff(c.id, name=f"保育师{key}", role="childcare_worker",
                                      health_cert_expires_on=date(2027, 6, 30))
        monday = date(2026, 11, 23)
        shift = rosters.add_shift(c.id, staff_member_id=member.id, group_id=g.id,
                                  starts_at=datetime.combine(monday, time(8), tzinfo=LOCAL),
                                  ends_at=datetime.combine(monday, time(12), tzinfo=LOCAL))
        inspection = inspections.record_inspection(c.id, admin, inspected_on=date(2026, 11, 20),
                                                   scores=INSPECTION)
        carer = next(p for p in principals if p.name == f"carer_{key}")
        # An allocation round over a second slot, open, with the family's application.
        round_slot = f.slot(c, capacity=2, starts_on=date(2027, 3, 1))
        rnd = rounds.create_round(reg, name=f"派位{key}", slot_ids=[round_slot.id],
                                  opens_at=NOW - timedelta(hours=1),
                                  closes_at=NOW + timedelta(days=3))
        rounds.open_round(rnd.id, reg)
        application = applications.apply(rnd.id, parent, child_id=kid2.id,
                                         choices=[round_slot.id], tier="employer_staff",
                                         evidence="单位证明")
        # --- H3 messages: the enrolled child's thread with a photo, and a bulletin to the centre.
        thread = messages.open_thread(parent, kid3.id, c.id)
        photo = message_files.send_with_files(
            [FileStorage(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), filename="a.png")],
            lambda stored: messages.post_message(thread.id, parent, "你好", stored))
        bulletin = bulletins.send(c.id, director, title="通知", body="内容")
        ids[key] = {
            "city": city,  # city policy (policy/views.py, api.py): the object is the city
            "centre_id": c.id, "slot_id": slot.id, "session_id": session.id,
            "draw_id": draw.id, "filing_id": c.filing.id, "inspection_id": inspection.id,
            "shift_id": shift.id, "staff_id": member.id, "user_id": carer.user_id,
            "ledger_entry_id": payment.id, "waitlist_entry_id": entry.id,
            "child_id": kid.id, "reservation_id": hold.id, "booking_id": booking.id,
            "check_id": check.id, "token": roster_exports.feed_token(member),
            "round_id": rnd.id, "app_id": application.id,
            "thread_id": thread.id, "attachment_id": photo.attachments[0].id,
            "bulletin_id": bulletin.id,
            "district": c.district.code,  # planning (planning/views.py, api.py)
        }
        # --- H1 daily record: the enrolled child arrived, with a note and a photo of its day.
        from booking.daily import services as daily
        from booking.health import attendance
        attendance.record_arrival(enrolled.id, _db.session.get(User, carer.user_id),
                                  temperature_c=36.6)
        daily_carer = _db.session.get(User, carer.user_id)
        note = daily.log(daily_carer, [kid3.id], action="note", note="午睡很好")[0]
        photo = daily.add_photo(daily_carer, kid3.id, _daily_photo())
        ids[key].update(daily_entry_id=note.id, photo_id=photo.id, group_id=g.id,
                        day="2026-11-23")
        # --- end H1
        # --- H2 absences and authorised pickup: an absence of the family's child (made
        # directly: the child only holds a place) and a person on its pickup list.
        from booking.absences.models import Absence
        from booking.pickup import services as pickup
        absence = Absence(child_id=kid.id, reservation_id=hold.id, centre_id=c.id,
                          starts_on=date(2027, 3, 2), ends_on=date(2027, 3, 2),
                          reason="family", source="guardian", reported_by=parent.id)
        _db.session.add(absence)
        _db.session.commit()
        person = pickup.add_person(kid.id, parent, name=f"外婆{key}", relation="外婆",
                                   phone="13800001111", id_last4="1234")
        ids[key].update({"absence_id": absence.id, "person_id": person.id})
        # --- end H2
        # --- H4 health notes and growth: the family's child has a note and a measurement.
        from booking.growth import notes as health_notes
        from booking.growth import services as growth
        growth.set_sex(kid.id, parent, "f")
        note = health_notes.add(kid.id, parent, kind="allergy", title="花生", severity="severe")
        growth.record_measurement(kid.id, parent, measured_on=date(2026, 11, 20), weight_kg=9.5)
        ids[key]["note_id"] = note.id
        # --- end H4
        # --- 入托体检 (docs/exams.md): an institution of the district, its doctor, nurse and
        # clerk; a future session where kid's appointment for its hold is booked; kid2's signed
        # examination (the family's result page) and its open appointment since, with a draft
        # (the institution's entry page; the appointment routes act on it).
        from booking.exams import appointments as exam_appointments
        from booking.exams import results as exam_results
        inst = f.institution(d)
        doctor = None
        for role in ("doctor", "nurse", "clerk"):
            member = f.institution_account(inst, role)
            principals.append(Principal(f"{role}_{key}", member.id, institution=key))
            doctor = doctor or member
        future_session = f.exam_session(inst, starts_at=datetime(2026, 12, 10, 9, tzinfo=LOCAL))
        exam_appointments.book(child_id=kid.id, session_id=future_session.id, parent=parent,
                               reservation_id=hold.id)
        exam_session = f.exam_session(inst, starts_at=NOW - timedelta(hours=1))
        exam_values = {"examined_on": clock.today(), "height_cm": 80, "weight_kg": 10,
                       "conclusion": "pass", "vaccination_checked": True}
        first = f.exam_appointment(exam_session, kid2, parent)
        exam_results.save_draft(first.id, doctor, **exam_values)
        exam_result = exam_results.sign(first.id, doctor)
        appointment = f.exam_appointment(exam_session, kid2, parent)
        exam_results.save_draft(appointment.id, doctor, **exam_values)
        ids[key].update(institution_id=inst.id, exam_session_id=future_session.id,
                        appointment_id=appointment.id, result_id=exam_result.id)
        # --- end 入托体检
        # --- H5 outbreak alerts: an open alert for the class (rows made directly: the rule
        # and the alert, with the enrolled child counted).
        from booking.outbreaks.models import OutbreakAlert, OutbreakAlertChild, OutbreakRule
        ob_rule = OutbreakRule(city=city, symptom="fever", scope="class", min_children=3,
                               window_days=1)
        _db.session.add(ob_rule)
        _db.session.flush()
        ob_alert = OutbreakAlert(centre_id=c.id, group_id=g.id, class_key=g.id, symptom="fever",
                                 rule_id=ob_rule.id, window_starts_on=monday,
                                 window_ends_on=monday)
        _db.session.add(ob_alert)
        _db.session.flush()
        _db.session.add(OutbreakAlertChild(alert_id=ob_alert.id, child_id=kid3.id,
                                           group_id=g.id, sources="morning_check"))
        _db.session.commit()
        ids[key]["alert_id"] = ob_alert.id
        # --- end H5
        # --- Complaints (issue 19, part 3): one filed about the centre and passed to it.
        from booking.complaints import services as complaints
        complaint = complaints.file_complaint(c.id, category="safety", body="窗户没有护栏",
                                              contact="13900001111")
        _db.session.add(complaint)
        complaint.status, complaint.asked_at = "centre_asked", NOW
        complaint.account_due_on = date(2026, 11, 30)
        _db.session.commit()
        ids[key]["complaint_id"] = complaint.id
        # --- end complaints
        # --- Recognition (issue 19, part 2): the centre's open application for 普惠.
        from booking.recognition.models import Recognition
        recognition = Recognition(centre_id=c.id, kind="affordable", status="applied",
                                  applied_at=NOW)
        _db.session.add(recognition)
        _db.session.commit()
        ids[key]["recognition_id"] = recognition.id
        # --- end recognition
        # --- Dynamic evaluation (issue 19, part 5): an item-level inspection with a fix item.
        from booking.evaluation import services as evaluation
        from booking.evaluation.checklist import ITEMS as CHECKLIST
        item_eval = evaluation.record_inspection(
            c.id, admin, inspected_on=date(2026, 11, 20),
            items={i.code: i.max_points for i in CHECKLIST},
            fixes=[{"code": "safety_1", "what": "补装监控", "due_on": date(2026, 12, 1)}])
        ids[key].update(evaluation_id=item_eval.id, fix_id=item_eval.fixes[0].id)
        # --- end dynamic evaluation
        # --- Family entitlements (issue 18, part 2): the family's allowance application.
        from booking.entitlements.models import AllowanceApplication
        allowance = AllowanceApplication(child_id=kid.id, scheme="national", city=city,
                                         applied_on=date(2026, 11, 2), status="applied",
                                         status_on=date(2026, 11, 2), recorded_by=parent.id)
        _db.session.add(allowance)
        _db.session.commit()
        ids[key]["application_id"] = allowance.id
        # --- end entitlements
        # --- Subsidy claims (issue 18, part 3): a draft claim of the centre's.
        from booking.subsidies.models import SubsidyClaim
        claim = SubsidyClaim(centre_id=c.id, month="2026-10", status="draft")
        _db.session.add(claim)
        _db.session.commit()
        ids[key]["claim_id"] = claim.id
        # --- end subsidy claims
        # --- Change filings (issue 19, part 1): an open change of the centre's.
        from booking.changes.models import CentreChange
        change = CentreChange(centre_id=c.id, district_id=c.district_id, status="submitted",
                              items='{"opening_hours": {"old": "", "new": "8:00-18:00"}}',
                              materials="营业执照副本", submitted_by=director.id,
                              received_on=date(2026, 11, 2), record_due_on=date(2026, 11, 9),
                              notice_due_on=date(2026, 11, 23))
        _db.session.add(change)
        _db.session.commit()
        ids[key]["change_id"] = change.id
        # --- end change filings
        # --- Operators (issue 23): one registered in the district, running the centre.
        from booking.operators import services as operators
        op = operators.create_operator(admin, name=f"举办者{key}", credit_code=f.credit_code(),
                                       legal_representative="张三", district=d.code)
        operators.link_centre(admin, op.id, c.id, date(2026, 11, 1))
        ids[key]["operator_id"] = op.id
        # Staff across centres (issue 23, part 2): the director's assignment at its centre.
        from booking.operators.assignments import active_at
        ids[key]["assignment_id"] = active_at(director.id, c.id).id
        # Transfers between an operator's centres (issue 23, part 3): the enrolled child asks
        # to move to a second centre of the operator.
        from booking.operators import transfers
        c2 = f.centre(d)
        operators.link_centre(admin, op.id, c2.id, date(2026, 11, 1))
        slot2 = f.slot(c2, capacity=2, starts_on=date(2027, 3, 1))
        ids[key]["transfer_id"] = transfers.request(parent, kid3.id, slot2.id).id
        # --- end operators
    principals.append(Principal("admin", admin.id))
    for p in principals:
        p.client = app.test_client()
        if p.user_id is None:
            continue
        user = _db.session.get(User, p.user_id)
        raw, _ = auth_tokens.issue_token(user.email, f.PASSWORD)
        p.headers = {"Authorization": f"Bearer {raw}"}
        resp = p.client.post("/login", data={"login": user.email, "password": f.PASSWORD})
        assert resp.status_code == 302, p.name
    _db.session.remove()
    return {"ids": ids, "principals": principals}


def _user(p: Principal):
    return _db.session.get(User, p.user_id) if p.user_id else None


def _params(app, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return rule, sorted(rule.arguments)


def _value(endpoint, rule, name, ids):
    if name == "entry_id":
        return ids["ledger_entry_id" if "ledger" in rule.rule or "refund" in rule.rule
                   else "waitlist_entry_id"]
    if name == "token":
        return ids["token"] if endpoint == "rosters.staff_feed" else "not-a-link"
    if name == "month":
        return "2026-11"
    if name == "code":
        return "en"
    if name == "fmt":  # a download's format
        return "csv"
    if name in ("day", "effective_from"):  # a city policy version, named by its first day
        return "2027-06-01"
    if name == "act":  # a round's regulator action, a family's answer
        return "close" if rule.rule.startswith("/regulator/") else "withdraw"
    return ids[name]


def _in_reach(p: Principal, rule: str | None, variant: str, family_object: bool) -> bool:
    if variant == "-" or rule == perms.ALL:
        return True
    if rule == perms.CENTRE:
        return p.centre == variant
    if rule == perms.JURISDICTION:
        return p.region == variant
    if rule == perms.INSTITUTION:
        return p.institution == variant
    if rule == perms.OWN:
        # A family reaches its own records; centres' public objects (a slot to reserve, a
        # session to book) are anyone's.
        return p.family == variant if family_object else True
    return False


def _audit_count():
    return _db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.mark.parametrize("endpoint,method", ROUTES, ids=[f"{m} {e}" for e, m in ROUTES])
def test_route(matrix, endpoint, method):
    app, world = matrix
    view = app.view_functions[endpoint]
    action = getattr(view, "permission", None)
    own_centre = getattr(view, "own_centre", False)
    is_api = endpoint.startswith("api.")
    rule, names = _params(app, endpoint)
    object_names = [n for n in names if n not in ("month", "code", "token", "act", "fmt")]
    variants = ("A", "B") if object_names else ("A",) if names else ("-",)
    family_object = any(n in FAMILY or (n == "entry_id" and "waitlist" in rule.rule)
                        for n in object_names)
    write = method != "GET"
    # The API parses a declared body before the view runs: an empty one is not JSON, refused
    # with 400 before the reach is asked.
    body_first = is_api and any(f"api.{op.func_name}" == endpoint and op.body is not None
                                for op in OPERATIONS)
    refused_as_input = 400 if body_first else VALIDATES_FIRST.get(endpoint)
    failures = []
    for p in world["principals"]:
        for variant in variants:
            key = (endpoint, method, p.name, variant)
            values = {n: _value(endpoint, rule, n, world["ids"][variant if variant != "-" else "A"])
                      for n in names}
            with app.test_request_context():
                url = url_for(endpoint, **values)
            user = _user(p)
            signed_in = user is not None
            expect = None  # None: anything but a 500
            if action is not None:
                allowed = signed_in and perms.allowed(user, action) \
                    and not (own_centre and user.centre_id is None)
                if not signed_in:
                    expect = "login"
                elif not allowed:
                    expect = "forbidden"
                elif not object_names or _in_reach(p, perms.reach(user, action), variant,
                                                   family_object):
                    if write:
                        continue  # allowed, in reach: the areas' own tests do the writing
                    expect = "let_in"
                    if (endpoint, method) in REASON_FIRST and user.role == "regulator":
                        expect = "forbidden"
                else:
                    expect = "out_of_reach"
            elif write and signed_in:
                continue  # signed-in routes without an action: account pages, logout
            _db.session.remove()
            before = _audit_count() if write else None
            resp = p.client.open(url, method=method, headers=p.headers if is_api else {})
            status = resp.status_code
            _db.session.remove()
            problem = None
            if status >= 500:
                problem = f"{status}"
            elif expect == "login" and not (status == 401 if is_api else (
                    status == 302 and "/login" in resp.headers.get("Location", ""))):
                problem = f"anonymous got {status}"
            elif expect == "forbidden" and status != 403:
                problem = f"no {action} but {status}"
            elif expect == "out_of_reach" and status != 404 \
                    and not (write and status == refused_as_input):
                if key in AWAITING_JURISDICTION:
                    continue
                problem = f"{action} out of reach but {status}"
            elif expect == "let_in" and status in (401, 403):
                problem = f"{action} in reach but {status}"
            if write and before is not None and expect != "let_in" and _audit_count() != before:
                problem = (problem or "") + " refused write changed something"
            if problem:
                failures.append(f"{p.name} {variant} {url}: {problem}")
    assert not failures, "\n".join(failures)


def test_awaiting_jurisdiction_names_real_routes():
    names = {e for e, _ in ROUTES}
    for endpoint, method, principal, variant in AWAITING_JURISDICTION:
        assert endpoint in names and principal.startswith("regulator_") and variant in "AB"
