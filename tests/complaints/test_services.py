"""The rules: deadlines, the state machine, notifications, and refusals that change nothing."""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.complaints import services
from booking.complaints.models import Complaint
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.regulator.models import Inspection
from tests.complaints.world import BODY, CONTACT, file, world  # noqa: F401


def _counts(db):
    return tuple(db.session.scalar(select(func.count(m.id)))
                 for m in (Complaint, AuditEvent, Notification, Inspection))


def _notes(db, kind):
    return db.session.scalars(select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.user_id)).all()


def test_filing_sets_the_deadline_notifies_the_district_and_logs_no_contact(db, world):
    c = file(world)
    assert (c.status, c.due_on, c.provisional) == ("received", date(2026, 12, 14), False)
    assert c.district_id == world["district"].id and c.anonymous and c.complainant_user_id is None
    assert len(c.tracking_code) >= 12
    notified = {n.user_id for n in _notes(db, "complaint_received")}
    # the district's and the city's regulators; not another district's, not another city's
    assert notified == {world["regulator"].id, world["city_regulator"].id}
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "complaint.filed")).all()
    assert event.actor_id is None and event.centre_id == world["centre"].id
    assert CONTACT not in event.after and BODY not in event.after
    assert json.loads(event.after)["due_on"] == "2026-12-14"


def test_two_complaints_get_different_codes(db, world):
    assert file(world).tracking_code != file(world).tracking_code


def test_a_signed_in_parent_files_in_their_own_name_without_a_contact(db, world):
    c = file(world, anonymous=False, contact="", user=world["parent"])
    assert c.complainant_user_id == world["parent"].id and not c.anonymous and c.contact is None
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "complaint.filed")).all()
    assert event.actor_id == world["parent"].id


def test_a_signed_in_parent_may_stay_anonymous(db, world):
    c = file(world, anonymous=True, user=world["parent"])
    assert c.complainant_user_id is None and c.anonymous
    assert db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "complaint.filed")) is None


@pytest.mark.parametrize("kw,field", [
    ({"contact": ""}, "contact"),  # anonymous needs a way to answer
    ({"contact": "call me"}, "contact"),
    ({"contact": "x" * 121 + "@a.cn"}, "contact"),
    ({"category": "noise"}, "category"),
    ({"body": "   "}, "body"),
    ({"body": "长" * 2001}, "body"),
])
def test_bad_input_is_refused_and_changes_nothing(db, world, kw, field):
    before = _counts(db)
    with pytest.raises(ValidationFailed) as err:
        file(world, **kw)
    assert field in err.value.errors
    assert _counts(db) == before


def test_an_unknown_centre_is_not_found(db, world):
    with pytest.raises(NotFound):
        services.file_complaint(99999, category="safety", body=BODY, contact=CONTACT)


def test_a_complaint_late_in_the_year_has_a_provisional_deadline(db, world):
    clock.set(datetime(2026, 12, 14, 2, 0, tzinfo=timezone.utc))  # Monday 14 December
    c = file(world)
    # 15 working days reach into 2027, whose holidays are not yet published: weekdays
    assert (c.due_on, c.provisional) == (date(2027, 1, 4), True)
    clock.set(datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc))  # a week earlier: all 2026
    assert (file(world).due_on, file(world).provisional) == (date(2026, 12, 28), False)


def test_the_whole_way_to_an_upheld_outcome_with_an_inspection(db, world):
    c = file(world, anonymous=False, contact="", user=world["parent"])
    services.ask_centre(c.id, world["regulator"])
    assert (c.status, c.account_due_on) == ("centre_asked", date(2026, 11, 30))
    [note] = _notes(db, "complaint_account_requested")
    assert note.user_id == world["director"].id  # the director, not the carer
    assert CONTACT not in note.params and BODY not in note.params
    services.submit_account(c.id, world["director"], "已加装护栏。")
    assert (c.status, c.account, c.answered_by) == ("answered", "已加装护栏。",
                                                    world["director"].id)
    services.close(c.id, world["regulator"], outcome="upheld", text="情况属实，已责令整改。",
                   inspect=True)
    assert (c.status, c.outcome) == ("closed", "upheld")
    inspection = db.session.get(Inspection, c.inspection_id)
    assert inspection.centre_id == world["centre"].id and inspection.score is None
    assert inspection.inspector_id == world["regulator"].id
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("complaint.%") | AuditEvent.action.like("inspection.%"))
        .order_by(AuditEvent.id)).all()
    assert actions == ["complaint.filed", "complaint.centre_asked", "complaint.answered",
                       "inspection.opened", "complaint.closed"]
    [closed] = _notes(db, "complaint_closed")
    assert closed.user_id == world["parent"].id
    assert json.loads(closed.params)["code"] == c.tracking_code


def test_an_anonymous_complainant_gets_no_notice_but_the_status(db, world):
    c = file(world)
    services.close(c.id, world["regulator"], outcome="not_upheld", text="经核查不属实。")
    assert _notes(db, "complaint_closed") == [] and c.status == "closed"
    assert c.inspection_id is None


@pytest.mark.parametrize("step", ["ask_twice", "account_before_ask", "account_twice",
                                  "close_twice", "ask_after_close"])
def test_wrong_state_is_refused_and_changes_nothing(db, world, step):
    c = file(world)
    reg, director = world["regulator"], world["director"]
    if step == "ask_twice":
        services.ask_centre(c.id, reg)
        call, err = (lambda: services.ask_centre(c.id, reg)), Conflict
    elif step == "account_before_ask":  # the centre is not told before the regulator asks
        call, err = (lambda: services.submit_account(c.id, director, "说明")), NotFound
    elif step == "account_twice":
        services.ask_centre(c.id, reg)
        services.submit_account(c.id, director, "说明")
        call, err = (lambda: services.submit_account(c.id, director, "再说明")), Conflict
    elif step == "close_twice":
        services.close(c.id, reg, outcome="not_upheld", text="不属实")
        call, err = (lambda: services.close(c.id, reg, outcome="upheld", text="属实")), Conflict
    else:
        services.close(c.id, reg, outcome="not_upheld", text="不属实")
        call, err = (lambda: services.ask_centre(c.id, reg)), Conflict
    db.session.expire_all()
    before, status = _counts(db), db.session.get(Complaint, c.id).status
    with pytest.raises(err):
        call()
    db.session.expire_all()
    assert _counts(db) == before and db.session.get(Complaint, c.id).status == status


@pytest.mark.parametrize("kw,field", [
    ({"outcome": "maybe", "text": "x"}, "outcome"),
    ({"outcome": "upheld", "text": " "}, "text"),
    ({"outcome": "not_upheld", "text": "不属实", "inspect": True}, "open_inspection"),
])
def test_a_bad_outcome_is_refused_and_changes_nothing(db, world, kw, field):
    c = file(world)
    before = _counts(db)
    with pytest.raises(ValidationFailed) as err:
        services.close(c.id, world["regulator"], **kw)
    assert field in err.value.errors
    db.session.expire_all()
    assert _counts(db) == before and db.session.get(Complaint, c.id).status == "received"


def test_an_empty_account_is_refused(db, world):
    c = file(world)
    services.ask_centre(c.id, world["regulator"])
    with pytest.raises(ValidationFailed):
        services.submit_account(c.id, world["director"], "  ")
    db.session.expire_all()
    assert db.session.get(Complaint, c.id).status == "centre_asked"


def test_another_district_and_another_centre_cannot_act(db, world):
    c = file(world)
    for reg in (world["far_regulator"], world["beijing_regulator"]):
        with pytest.raises(NotFound):
            services.ask_centre(c.id, reg)
        with pytest.raises(NotFound):
            services.close(c.id, reg, outcome="upheld", text="x")
    services.ask_centre(c.id, world["city_regulator"])  # the city's regulator may
    with pytest.raises(NotFound):
        services.submit_account(c.id, world["other_director"], "说明")
    db.session.expire_all()
    assert db.session.get(Complaint, c.id).status == "centre_asked"


def test_the_table_refuses_bad_states(db, world):
    c = file(world)
    for values in ({"status": "lost"}, {"status": "closed"},  # closed without an outcome
                   {"anonymous": True, "contact": None}, {"category": "noise"}):
        with pytest.raises(IntegrityError):
            db.session.execute(Complaint.__table__.update().where(
                Complaint.__table__.c.id == c.id).values(**values))
            db.session.flush()
        db.session.rollback()
