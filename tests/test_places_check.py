"""`flask --app wsgi places check [--fix]` (issue 14 item 6; docs/operations.md, "One place per
child"): a database made before the rule, built by inserting reservations directly (no
service would make them now), is listed, then resolved the same way every time, never
silently, and a second run finds nothing."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.extensions import db
from booking.health.models import HealthCheck
from booking.places import check
from booking.reservations import enrolment
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.conftest import NOW

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def put(slot, child, parent, status, *, at, replaces=None, expires=None):
    """A reservation row as an older database may hold it, bypassing the services."""
    r = Reservation(slot_id=slot.id, child_id=child.id, parent_id=parent.id, status=status,
                    created_at=at, replaces_id=replaces.id if replaces else None,
                    enrolled_at=at if status == "enrolled" else None,
                    expires_at=expires or (at + 48 * HOUR if status == "held" else None))
    db.session.add(r)
    db.session.commit()
    return r


@pytest.fixture
def world(app):
    """Three centres, a slot at each. K1: enrolled at A and (earlier) at B, and holding at C.
    K2: two holds, the later at A. K3: a hold at C and an offer at A to replace it (allowed).
    K4: enrolled at A, a lapsed hold at B (not live). K5: enrolled at C, later at B, and a
    transfer hold at A replacing the B enrolment. A is full (five places), W waits for it."""
    a, b, c = (f.slot(f.centre(), capacity=5) for _ in range(3))
    kids = {}
    for name in ("K1", "K2", "K3", "K4", "K5"):
        parent = f.user()
        kids[name] = (parent, f.child(parent, name=name))
    r = {}
    p, k = kids["K1"]
    r["K1@A"] = put(a, k, p, "enrolled", at=NOW - 10 * DAY)
    r["K1@B"] = put(b, k, p, "enrolled", at=NOW - 20 * DAY)
    r["K1@C"] = put(c, k, p, "held", at=NOW - HOUR)
    p, k = kids["K2"]
    r["K2@A"] = put(a, k, p, "held", at=NOW - 2 * HOUR)
    r["K2@B"] = put(b, k, p, "held", at=NOW - 3 * HOUR)
    p, k = kids["K3"]
    r["K3@C"] = put(c, k, p, "held", at=NOW - 5 * HOUR)
    r["K3@A"] = put(a, k, p, "held", at=NOW - 4 * HOUR, replaces=r["K3@C"])
    p, k = kids["K4"]
    r["K4@A"] = put(a, k, p, "enrolled", at=NOW - 30 * DAY)
    r["K4@B"] = put(b, k, p, "held", at=NOW - 3 * DAY)  # lapsed a day ago
    p, k = kids["K5"]
    r["K5@C"] = put(c, k, p, "enrolled", at=NOW - 9 * DAY)
    r["K5@B"] = put(b, k, p, "enrolled", at=NOW - 8 * DAY)
    r["K5@A"] = put(a, k, p, "held", at=NOW - 6 * HOUR, replaces=r["K5@B"])
    wp = f.user()
    [entry] = waitlists.join(slot_id=a.id, child_id=f.child(wp).id, parent=wp)
    assert entry.status == "waiting"
    return {"slots": (a, b, c), "kids": kids, "r": r, "entry": entry}


def state():
    db.session.expire_all()
    return {r.id: (r.status, r.leaves_on, r.end_reason)
            for r in db.session.scalars(select(Reservation))}


def count(model, **where):
    stmt = select(func.count(model.id))
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


def test_check_lists_the_children_with_several_standing_places(world):
    r, kids = world["r"], world["kids"]
    found = check.find()
    assert [(x.child_id, [p.id for p in x.places], x.keep.id) for x in found] == [
        (kids["K1"][1].id, [r["K1@A"].id, r["K1@B"].id, r["K1@C"].id], r["K1@B"].id),
        (kids["K2"][1].id, [r["K2@A"].id, r["K2@B"].id], r["K2@B"].id),
        (kids["K5"][1].id, [r["K5@C"].id, r["K5@B"].id], r["K5@C"].id),
    ]


def test_fix_keeps_the_earliest_enrolment_else_the_earliest_hold_and_ends_the_rest(world):
    r, kids, entry = world["r"], world["kids"], world["entry"]
    before = state()
    done = check.fix()
    after = state()
    ended = {r[name].id: was for name, was in (
        ("K1@A", "enrolled"), ("K1@C", "held"), ("K2@A", "held"), ("K5@B", "enrolled"),
        ("K5@A", "held"))}
    assert {x.child_id: x.keep.id for x in done} == {
        kids["K1"][1].id: r["K1@B"].id, kids["K2"][1].id: r["K2@B"].id,
        kids["K5"][1].id: r["K5@C"].id}
    assert {p.id: was for x in done for p, was in x.ended} == ended
    changed = {rid for rid in before if before[rid] != after[rid]}
    assert changed == set(ended)
    today = clock.today()
    for rid, was in ended.items():
        status, leaves_on, reason = after[rid]
        if was == "enrolled":
            assert (status, leaves_on, reason) == ("withdrawn", today, check.REASON)
        else:
            assert (status, leaves_on, reason) == ("cancelled", None, check.REASON)
    # each ended place: one audit event with the reason, one notice to the family
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "reservation.ended_by_one_place_rule")).all()
    assert sorted(e.entity_id for e in events) == sorted(ended)
    assert {e.reason for e in events} == {check.REASON}
    assert {e.entity_id: json.loads(e.after)["status"] for e in events} == {
        rid: "withdrawn" if was == "enrolled" else "cancelled" for rid, was in ended.items()}
    notes = db.session.scalars(select(Notification).where(
        Notification.kind == "one_place_ended")).all()
    assert sorted(json.loads(n.params)["reservation_id"] for n in notes) == sorted(ended)
    parent_of = {r[k].id: r[k].parent_id for k in r}
    assert all(n.user_id == parent_of[json.loads(n.params)["reservation_id"]] for n in notes)
    # A's places freed go to its queue
    db.session.refresh(entry)
    assert entry.status == "offered" and entry.reservation.status == "held"


def test_a_second_fix_finds_nothing(world):
    assert len(check.fix()) == 3
    snapshot = state()
    events = count(AuditEvent)
    assert check.find() == [] and check.fix() == []
    assert state() == snapshot and count(AuditEvent) == events


def test_check_alone_changes_nothing(world):
    snapshot, events, notes = state(), count(AuditEvent), count(Notification)
    check.find()
    assert state() == snapshot
    assert (count(AuditEvent), count(Notification)) == (events, notes)


def test_a_confirmed_transfer_in_its_overlap_is_left_alone(app):
    """Confirming a transfer keeps the old care until the day before the new start, and
    confirm clears replaces_id: the enrolment event's `replaced` says it is one place moving,
    not two (tests/concurrency/test_one_place.py pins the missing link)."""
    a, b = f.centre(), f.centre()
    s1 = f.slot(a, capacity=1, starts_on=date(2026, 11, 1))
    s2 = f.slot(b, capacity=1)
    parent = f.user()
    kid = f.child(parent)
    db.session.add(HealthCheck(child_id=kid.id, examined_on=date(2026, 10, 20),
                               institution="妇幼保健院", result="pass", status="verified",
                               vaccination_verified=True, valid_until=date(2027, 6, 1),
                               submitted_by=parent.id))
    db.session.commit()
    old = reservations.place_hold(slot_id=s1.id, child_id=kid.id, parent=parent,
                                  now=NOW - 3 * DAY)
    enrolment.confirm(old.id, f.user("staff", centre_id=a.id), now=NOW - 3 * DAY)
    new = reservations.place_hold(slot_id=s2.id, child_id=kid.id, parent=parent, transfer=True)
    enrolment.confirm(new.id, f.user("staff", centre_id=b.id))
    db.session.expire_all()
    assert [(r.status, r.leaves_on) for r in db.session.scalars(
        select(Reservation).order_by(Reservation.id))] == \
        [("enrolled", date(2027, 2, 28)), ("enrolled", None)]
    assert check.find() == []


# -- the command ---------------------------------------------------------------------------

def test_the_command_lists_then_fixes_then_finds_nothing(world, runner):
    r = world["r"]
    snapshot = state()
    result = runner.invoke(args=["places", "check"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "3 children with more than one live place" in out and "nothing changed" in out
    for name in ("K1@A", "K1@B", "K1@C", "K2@A", "K2@B", "K5@B", "K5@C"):
        assert f"reservation #{r[name].id} " in out, name
    for name in ("K3@A", "K3@C", "K4@A", "K4@B", "K5@A"):
        assert f"reservation #{r[name].id} " not in out, name
    assert f"child #{world['kids']['K1'][1].id} K1:" in out
    assert "enrolled since 2026-11-03" in out  # K1 at B: enrolled twenty days before
    assert state() == snapshot

    result = runner.invoke(args=["places", "check", "--fix"])
    assert result.exit_code == 0, result.output
    assert f"ended reservation #{r['K1@A'].id} " in result.output
    assert "enrolled -> withdrawn" in result.output and "held -> cancelled" in result.output
    assert "resolved 3 children, ended 5 places" in result.output

    result = runner.invoke(args=["places", "check", "--fix"])
    assert result.exit_code == 0, result.output
    assert "no child has more than one live place" in result.output
