"""One child, one place (docs/domain.md, "One child, one place"): a second live place is
refused anywhere, a transfer replaces an enrolment on confirmation, an offer to a placed
child is the family's choice, and multiples hold together."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.children.models import Child
from booking.errors import AlreadyPlaced, Conflict, SlotFull
from booking.extensions import db
from booking.places import offers
from booking.reservations import choices, enrolment, services as reservations
from booking.reservations.models import Reservation, live_at
from booking.waitlists import services as waitlists
from tests import factories as f


def live_of(child_id):
    return db.session.scalars(select(Reservation).where(
        Reservation.child_id == child_id, live_at(clock.now())).order_by(Reservation.id)).all()


def enrolled_at_a(w):
    """A family whose child is enrolled at centre a: (parent, child, enrolment)."""
    p = f.user()
    kid = f.child(p)
    f.passed_check(kid, p)
    old = enrolment.confirm(reservations.place_hold(slot_id=w["sa"].id, child_id=kid.id,
                                                    parent=p).id, w["staff_a"])
    return p, kid, old


@pytest.fixture
def two_centres(app, db):
    a, b = f.centre(), f.centre()
    sa = f.slot(a, capacity=2, starts_on=date(2027, 3, 1))
    sb = f.slot(b, capacity=2, starts_on=date(2027, 4, 1))
    return {"a": a, "b": b, "sa": sa, "sb": sb,
            "staff_a": f.user("staff", centre_id=a.id), "staff_b": f.user("staff", centre_id=b.id)}


def test_a_second_hold_anywhere_is_refused_naming_the_first(two_centres):
    w = two_centres
    p = f.user()
    kid = f.child(p)
    first = reservations.place_hold(slot_id=w["sa"].id, child_id=kid.id, parent=p)
    with pytest.raises(AlreadyPlaced) as refused:
        reservations.place_hold(slot_id=w["sb"].id, child_id=kid.id, parent=p)
    assert refused.value.extra["reservation_id"] == first.id
    assert refused.value.extra["transfer_possible"] is False
    assert [r.id for r in live_of(kid.id)] == [first.id]
    # once the first lapses, the child may hold elsewhere (no job needed)
    clock.advance(reservations.hold_ttl() + timedelta(minutes=1))
    second = reservations.place_hold(slot_id=w["sb"].id, child_id=kid.id, parent=p)
    assert [r.id for r in live_of(kid.id)] == [second.id]


def test_the_api_answers_409_already_placed(client, two_centres):
    w = two_centres
    p = f.user()
    kid = f.child(p)
    hs = f.bearer(client, p)
    first = client.post("/api/v1/reservations", json={"slot_id": w["sa"].id, "child_id": kid.id},
                        headers=hs)
    assert first.status_code == 201
    again = client.post("/api/v1/reservations", json={"slot_id": w["sb"].id, "child_id": kid.id},
                        headers=hs)
    body = again.get_json()
    assert again.status_code == 409 and body["type"].endswith("/already-placed")
    assert body["reservation_id"] == first.get_json()["id"]
    not_enrolled = client.post("/api/v1/reservations", headers=hs, json={
        "slot_id": w["sb"].id, "child_id": kid.id, "transfer": True})
    assert not_enrolled.status_code == 409  # a hold is not an enrolment: cancel it instead


def test_a_transfer_ends_the_old_care_the_day_before_the_new_start(two_centres):
    w = two_centres
    p, kid, old = enrolled_at_a(w)
    with pytest.raises(AlreadyPlaced) as refused:
        reservations.place_hold(slot_id=w["sb"].id, child_id=kid.id, parent=p)
    assert refused.value.extra["transfer_possible"] is True
    hold = reservations.place_hold(slot_id=w["sb"].id, child_id=kid.id, parent=p, transfer=True)
    assert hold.replaces_id == old.id
    new = enrolment.confirm(hold.id, w["staff_b"])
    db.session.refresh(old)
    assert (new.status, new.replaces_id) == ("enrolled", old.id)  # the link stays
    assert (old.status, old.leaves_on) == ("enrolled", date(2027, 3, 31))
    assert old.end_reason.startswith("转托")
    # on 1 April the child is in care at b only
    clock.set(datetime(2027, 4, 1, 2, tzinfo=timezone.utc))
    assert [r.id for r in live_of(kid.id)] == [new.id]


def test_a_transfer_hold_that_lapses_or_is_cancelled_leaves_the_old_care_alone(two_centres):
    w = two_centres
    p, kid, old = enrolled_at_a(w)
    hold = reservations.place_hold(slot_id=w["sb"].id, child_id=kid.id, parent=p, transfer=True)
    reservations.cancel(hold.id, p)
    db.session.refresh(old)
    assert (old.status, old.leaves_on) == ("enrolled", None)
    # a second transfer hold while one is pending is refused
    hold = reservations.place_hold(slot_id=w["sb"].id, child_id=kid.id, parent=p, transfer=True)
    other = f.slot(f.centre(), capacity=1, starts_on=date(2027, 5, 1))
    with pytest.raises(AlreadyPlaced):
        reservations.place_hold(slot_id=other.id, child_id=kid.id, parent=p, transfer=True)
    clock.advance(reservations.hold_ttl() + timedelta(minutes=1))
    db.session.refresh(old)
    assert [r.id for r in live_of(kid.id)] == [old.id] and hold.id != old.id


def test_an_offer_to_a_child_holding_elsewhere_is_the_familys_choice(two_centres):
    w = two_centres
    full = f.slot(w["b"], capacity=1, starts_on=date(2027, 4, 1))
    q, other = f.user(), None
    other = reservations.place_hold(slot_id=full.id, child_id=f.child(q).id, parent=q)
    p = f.user()
    kid = f.child(p)
    held = reservations.place_hold(slot_id=w["sa"].id, child_id=kid.id, parent=p)
    [entry] = waitlists.join(slot_id=full.id, child_id=kid.id, parent=p)
    reservations.cancel(other.id, q)  # frees the place: offered to kid, who holds at a
    offer = db.session.scalar(select(Reservation).where(
        Reservation.slot_id == full.id, Reservation.child_id == kid.id))
    assert offer.replaces_id == held.id
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == p.id).order_by(Notification.id.desc()).limit(1)) == \
        "offer_to_switch"
    taken = choices.take_offer(offer.id, p)
    db.session.refresh(held)
    assert taken.replaces_id == held.id and held.status == "cancelled"
    assert [r.id for r in live_of(kid.id)] == [offer.id]
    db.session.refresh(entry)
    assert entry.status == "offered"  # accepted once the centre confirms


def test_declining_and_keeping_the_wait_is_not_offered_again_while_the_kept_place_lives(
        two_centres):
    w = two_centres
    full = f.slot(w["b"], capacity=1, starts_on=date(2027, 4, 1))
    q = f.user()
    other = reservations.place_hold(slot_id=full.id, child_id=f.child(q).id, parent=q)
    p = f.user()
    kid = f.child(p)
    held = reservations.place_hold(slot_id=w["sa"].id, child_id=kid.id, parent=p)
    [entry] = waitlists.join(slot_id=full.id, child_id=kid.id, parent=p)
    r2 = f.user()
    [later] = waitlists.join(slot_id=full.id, child_id=f.child(r2).id, parent=r2)
    reservations.cancel(other.id, q)
    offer = db.session.scalar(select(Reservation).where(
        Reservation.slot_id == full.id, Reservation.child_id == kid.id))
    choices.decline_offer(offer.id, p, keep_waiting=True)
    db.session.refresh(entry)
    db.session.refresh(later)
    assert (entry.status, entry.declined_for_id) == ("waiting", held.id)
    assert later.status == "offered"  # the place went on to the next family
    db.session.refresh(held)
    assert held.status == "held"
    with pytest.raises(Conflict):
        choices.take_offer(offer.id, p)  # declined is declined


def test_twins_hold_together_or_not_at_all(app, db):
    c = f.centre()
    two = f.slot(c, capacity=2, starts_on=date(2027, 3, 1))
    one = f.slot(c, capacity=1, starts_on=date(2027, 3, 1))
    p = f.user()
    a = f.child(p, birth_date=date(2025, 9, 1))
    b = f.child(p, birth_date=date(2025, 9, 1))
    a.multiple_birth_key = b.multiple_birth_key = "twins-1"
    db.session.commit()
    with pytest.raises(SlotFull) as full:
        reservations.place_hold(slot_id=one.id, child_id=a.id, parent=p)
    assert "双（多）胞胎要一起预约 2 个" in full.value.message
    assert live_of(a.id) == [] and live_of(b.id) == []
    hold = reservations.place_hold(slot_id=two.id, child_id=a.id, parent=p)
    assert [h.child_id for h in hold.together] == [b.id]
    assert [r.slot_id for r in live_of(b.id)] == [two.id]
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "reservation.held")).all()
    assert len(events) == 2


def test_a_place_taken_ends_the_waits_ranked_below_and_keeps_those_above(app, db):
    c = f.centre()
    staff = f.user("staff", centre_id=c.id)
    slots = [f.slot(c, capacity=1, starts_on=date(2027, 3, 1)) for _ in range(3)]
    blockers = []
    for s in slots:
        q = f.user()
        blockers.append((q, reservations.place_hold(slot_id=s.id, child_id=f.child(q).id,
                                                    parent=q)))
    p = f.user()
    kid = f.child(p)
    f.passed_check(kid, p)
    entries = [waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)[0] for s in slots]
    for rank, e in enumerate(entries, 1):
        e.choice_rank = rank
    db.session.commit()
    q, blocking = blockers[1]
    reservations.cancel(blocking.id, q)  # choice 2 frees and is offered
    offer = db.session.scalar(select(Reservation).where(Reservation.child_id == kid.id))
    enrolment.confirm(offer.id, staff)
    for e in entries:
        db.session.refresh(e)
    assert [e.status for e in entries] == ["waiting", "accepted", "withdrawn"]
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == p.id, Notification.kind == "waits_ended")) == "waits_ended"
    # choice 1 frees later: it comes as a transfer offer
    q, blocking = blockers[0]
    reservations.cancel(blocking.id, q)
    transfer = db.session.scalar(select(Reservation).where(
        Reservation.child_id == kid.id, Reservation.slot_id == slots[0].id))
    assert transfer.replaces_id == offer.id and transfer.status == "held"
    assert offers.waiting_count(slots[2].id) == 0


def test_a_child_s_row_is_the_lock_taken_first(app, db):
    """Every place command writes the child's row before any slot's (docs/design.md,
    "Lock order"): the statement order is visible in the SQL a hold sends."""
    from sqlalchemy import event
    c = f.centre()
    s = f.slot(c, capacity=1)
    p = f.user()
    kid = f.child(p)
    seen = []

    def watch(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE"):
            seen.append(statement.split()[1].strip('"'))
    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        reservations.place_hold(slot_id=s.id, child_id=kid.id, parent=p)
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert seen[:2] == ["child", "slot"]
    assert db.session.get(Child, kid.id) is not None


def test_my_reservations_page_offers_the_choice_that_fits(client, two_centres):
    """A transfer asked for directly is cancelled with one button; an offer from a waitlist to
    a child holding elsewhere may be taken, declined with the wait kept, or declined."""
    w = two_centres
    p, kid, old = enrolled_at_a(w)
    hold = reservations.place_hold(slot_id=w["sb"].id, child_id=kid.id, parent=p, transfer=True)
    client.post("/login", data={"login": p.email, "password": f.PASSWORD})
    page = client.get("/reservations").get_data(as_text=True)
    assert "取消转托申请" in page and "继续候补" not in page
    assert f"/reservations/{hold.id}/take" not in page


def test_a_free_place_left_unoffered_is_served_by_the_sweep(app, db):
    """A place can be left free with a family waiting (its child was busy when the place was
    offered); the sweep offers it, once, and a second run finds nothing."""
    from booking.places import sweeps
    c = f.centre()
    s = f.slot(c, capacity=1)
    q = f.user()
    blocker = reservations.place_hold(slot_id=s.id, child_id=f.child(q).id, parent=q)
    p = f.user()
    [entry] = waitlists.join(slot_id=s.id, child_id=f.child(p).id, parent=p)
    # the place frees without the queue being served (as when its child was busy)
    blocker.status = "cancelled"
    db.session.commit()
    assert sweeps.serve_waitlists() == 1
    db.session.refresh(entry)
    assert entry.status == "offered"
    assert sweeps.serve_waitlists() == 0


def test_one_batch_never_offers_one_child_two_places(app, db):
    """A child waiting at two slots that free in the same sweep batch gets one place and one
    offer that would replace it (the family's choice), never two unlinked places."""
    from booking.places import sweeps
    c = f.centre()
    slots = [f.slot(c, capacity=1) for _ in range(2)]
    blockers = []
    for s in slots:
        q = f.user()
        blockers.append(reservations.place_hold(slot_id=s.id, child_id=f.child(q).id,
                                                parent=q))
    p = f.user()
    kid = f.child(p)
    for s in slots:
        waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)
    clock.advance(reservations.hold_ttl() + timedelta(minutes=1))
    sweeps.release_lapsed()
    first, second = live_of(kid.id)
    assert (first.replaces_id, second.replaces_id) == (None, first.id)


def test_a_child_offered_elsewhere_in_the_batch_keeps_its_turn(app, db):
    """Found by the booking state machine: a child first in line at two slots freed in one
    sweep batch, with another family behind it at the second. The second slot's place is not
    handed to the family behind while the child is offered the first: the child keeps its
    turn, and its offer there is made once the first hold exists (the family chooses)."""
    from booking.places import sweeps
    c = f.centre()
    slots = [f.slot(c, capacity=1) for _ in range(2)]
    for s in slots:
        q = f.user()
        reservations.place_hold(slot_id=s.id, child_id=f.child(q).id, parent=q)
    p = f.user()
    kid = f.child(p)
    for s in slots:
        waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)
    behind = f.user()
    [late] = waitlists.join(slot_id=slots[1].id, child_id=f.child(behind).id, parent=behind)
    clock.advance(reservations.hold_ttl() + timedelta(minutes=1))
    sweeps.release_lapsed()
    first, second = live_of(kid.id)
    assert (first.replaces_id, second.replaces_id) == (None, first.id)
    db.session.refresh(late)
    assert late.status == "waiting"


def test_a_transfer_before_the_old_care_began_ends_it_at_once(two_centres):
    """Enrolled at b for 1 April, the family moves to a place at a starting 1 March: the care
    at b never began, so it ends now, with no day charged."""
    w = two_centres
    p = f.user()
    kid = f.child(p)
    f.passed_check(kid, p)
    old = enrolment.confirm(reservations.place_hold(slot_id=w["sb"].id, child_id=kid.id,
                                                    parent=p).id, w["staff_b"])
    hold = reservations.place_hold(slot_id=w["sa"].id, child_id=kid.id, parent=p, transfer=True)
    enrolment.confirm(hold.id, w["staff_a"])
    db.session.refresh(old)
    assert old.status == "withdrawn" and old.leaves_on == date(2027, 3, 31)
    assert [r.id for r in live_of(kid.id)] == [hold.id]
