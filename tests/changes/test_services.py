"""The rules: working-day deadlines, the decisions, the centre's record, and refusals that
change nothing."""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.changes import queries, services
from booking.changes.models import CentreChange
from booking.errors import Conflict, NotFound, ValidationFailed
from tests.changes.world import MATERIALS, file, world  # noqa: F401


def _counts(db):
    return tuple(db.session.scalar(select(func.count(m.id)))
                 for m in (CentreChange, AuditEvent, Notification))


def _actions(db):
    return [a for a in db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
            if a.startswith("centre_change.")]


def test_filing_stores_old_and_new_values_and_both_deadlines(db, world):
    c = file(world, capacity=80, opening_hours="07:00-18:00")
    assert c.status == "submitted" and c.received_on == date(2026, 11, 23)
    assert c.changes == {"capacity": {"old": "", "new": "80"},
                         "opening_hours": {"old": "07:30-17:30", "new": "07:00-18:00"}}
    # Monday 23 November 2026: 5 working days → Mon 30 Nov; 15 → Mon 14 Dec.
    assert (c.record_due_on, c.notice_due_on, c.provisional) == (
        date(2026, 11, 30), date(2026, 12, 14), False)
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "centre_change.submitted")).all()
    assert event.actor_id == world["director"].id and event.centre_id == world["centre"].id
    assert json.loads(event.after)["record_due_on"] == "2026-11-30"


def test_the_deadline_counts_a_make_up_saturday_and_skips_the_spring_festival(db, world):
    # Received Thursday 12 February 2026: Fri 13, Sat 14 (调休 workday), then the holiday
    # 15–23 February, then Tue 24, Wed 25, Thu 26 → the 5th working day.
    clock.set(datetime(2026, 2, 12, 2, 0, tzinfo=timezone.utc))
    c = file(world)
    assert c.received_on == date(2026, 2, 12)
    assert c.record_due_on == date(2026, 2, 26)
    # 15: …26 (5), Fri 27 (6), Sat 28 (7, 调休), 2–6 March (8–12), 9, 10, 11 March (13–15).
    assert c.notice_due_on == date(2026, 3, 11)
    assert c.provisional is False


def test_a_deadline_in_an_unpublished_year_is_provisional(db, world):
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=timezone.utc))
    c = file(world)
    # Monday 28 Dec 2026: 29, 30, 31 Dec, then 2027 counted Monday–Friday: Fri 1, Mon 4 Jan.
    assert c.record_due_on == date(2027, 1, 4) and c.provisional is True


def test_approval_updates_the_centre_and_notifies_its_directors(db, world):
    c = file(world, capacity=80, manager="李园长", address="雁塔路 9 号")
    services.decide(c.id, world["regulator"], "approve")
    centre = world["centre"]
    db.session.refresh(centre)
    assert (centre.approved_places, centre.manager_name, centre.address) == (
        80, "李园长", "雁塔路 9 号")
    assert c.status == "approved" and c.decided_by == world["regulator"].id
    [note] = db.session.scalars(select(Notification).where(
        Notification.kind == "centre_change_decided")).all()
    assert note.user_id == world["director"].id  # the director, not the carer
    assert _actions(db) == ["centre_change.submitted", "centre_change.approved"]
    assert [h.id for h in queries.history(centre.id)] == [c.id]


def test_return_then_resubmit_with_new_deadlines(db, world):
    c = file(world)
    services.decide(c.id, world["city_regulator"], "return", "请补充消防验收材料")
    assert (c.status, c.reason) == ("returned", "请补充消防验收材料")
    assert world["centre"].approved_places is None
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc))
    c = services.resubmit(c.id, world["director"], values={"capacity": 90},
                          materials=MATERIALS + "；补充：消防验收意见书")
    assert c.status == "submitted" and c.changes["capacity"]["new"] == "90"
    assert c.received_on == date(2026, 11, 25) and c.record_due_on == date(2026, 12, 2)
    assert _actions(db) == ["centre_change.submitted", "centre_change.returned",
                            "centre_change.submitted"]


def test_rejection_keeps_the_record_and_frees_the_centre_to_file_again(db, world):
    c = file(world)
    services.decide(c.id, world["regulator"], "reject", "核定托位超出场地面积允许的数量")
    assert c.status == "rejected" and world["centre"].approved_places is None
    assert file(world, capacity=70).status == "submitted"


def test_a_second_open_change_is_refused(db, world):
    file(world)
    before = _counts(db)
    with pytest.raises(Conflict):
        file(world, manager="张三")
    assert _counts(db) == before
    # a returned change is still open: the centre corrects it instead
    c = db.session.scalar(select(CentreChange))
    services.decide(c.id, world["regulator"], "return", "补正")
    with pytest.raises(Conflict):
        file(world, manager="张三")


def test_deciding_twice_is_refused_and_changes_nothing(db, world):
    c = file(world)
    services.decide(c.id, world["regulator"], "approve")
    before = _counts(db)
    for action, reason in (("approve", None), ("reject", "迟到的不同意见")):
        with pytest.raises(Conflict):
            services.decide(c.id, world["city_regulator"], action, reason)
    assert _counts(db) == before and c.status == "approved"


@pytest.mark.parametrize("action", ["return", "reject"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_return_or_reject_without_a_reason_is_refused(db, world, action, reason):
    c = file(world)
    before = _counts(db)
    with pytest.raises(ValidationFailed) as err:
        services.decide(c.id, world["regulator"], action, reason)
    assert "reason" in err.value.errors
    db.session.refresh(c)
    assert c.status == "submitted" and _counts(db) == before


def test_another_district_and_other_staff_get_not_found(db, world):
    c = file(world)
    with pytest.raises(NotFound):
        services.decide(c.id, world["far_regulator"], "approve")
    with pytest.raises(NotFound):
        file(world, user=world["other_director"])
    with pytest.raises(NotFound):
        file(world, user=world["carer"])
    with pytest.raises(NotFound):
        services.for_centre(c.id, world["other_director"])
    assert c.status == "submitted" and world["centre"].approved_places is None


@pytest.mark.parametrize("values,field", [
    ({}, "fields"), ({"opening_hours": "07:30-17:30"}, "fields"),  # equal to the record
    ({"capacity": 0}, "capacity"), ({"capacity": "八十"}, "capacity"),
    ({"manager": "长" * 61}, "manager"),
])
def test_bad_values_are_refused(db, world, values, field):
    before = _counts(db)
    with pytest.raises(ValidationFailed) as err:
        services.file_change(world["centre"].id, world["director"], values=values,
                             materials=MATERIALS)
    assert field in err.value.errors and _counts(db) == before


def test_materials_are_required(db, world):
    with pytest.raises(ValidationFailed) as err:
        services.file_change(world["centre"].id, world["director"], values={"capacity": 80},
                             materials="  ")
    assert "materials" in err.value.errors


def test_due_and_overdue_counts(db, world):
    c = file(world)
    assert queries.due_counts(world["regulator"]) == queries.DueCounts(due=1, overdue=0)
    assert queries.due_counts(world["far_regulator"]) == queries.DueCounts(due=0, overdue=0)
    clock.set(datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc))  # past Mon 30 Nov
    assert queries.due_counts(world["regulator"]) == queries.DueCounts(due=1, overdue=1)
    assert [x.id for x in queries.for_regulator(world["regulator"], "overdue")] == [c.id]
    services.decide(c.id, world["regulator"], "approve")
    assert queries.due_counts(world["regulator"]) == queries.DueCounts(due=0, overdue=0)
