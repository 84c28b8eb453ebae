"""Allocation rounds under concurrency (docs/allocation.md, docs/design.md "Lock order"): the
draw racing the applicants' own holds elsewhere, a second draw, applications racing the close,
and answers racing each other. Real threads, each with its own app context and session, against
PostgreSQL (row locks; on SQLite one writer at a time settles everything).

After every race, from the database: no child holds two live places unless one replaces the
other, no slot is over capacity, no thread failed with an exception, and no lock is left.
"""
import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.allocation import answers, applications, drawing, rounds
from booking.allocation.models import Application, Round
from booking.auth.models import User
from booking.extensions import db
from booking.reservations import services as reservations
from booking.reservations.models import Reservation, Status
from tests import factories as f
from tests.concurrency.helpers import (assert_no_locks_left, assert_one_place_each,
                                       in_context, race)
from tests.conftest import NOW

on_postgres = pytest.mark.usefixtures("pg_only")


def world(n_families, capacities):
    d = f.district()
    reg = f.user("regulator", district_id=d.id)
    slots = [f.slot(f.centre(d), capacity=c) for c in capacities]
    rnd = rounds.create_round(reg, name="并发派位", slot_ids=[s.id for s in slots],
                              opens_at=NOW - timedelta(hours=1),
                              closes_at=NOW + timedelta(days=2))
    rounds.open_round(rnd.id, reg)
    fams = []
    for _ in range(n_families):
        parent = f.user()
        kid = f.child(parent)
        fams.append((parent.id, kid.id))
    return reg.id, rnd.id, [s.id for s in slots], fams


def apply_all(round_id, fams, slot_ids):
    out = []
    for i, (parent_id, child_id) in enumerate(fams):
        choices = slot_ids[i % len(slot_ids):] + slot_ids[:i % len(slot_ids)]
        out.append(applications.apply(round_id, db.session.get(User, parent_id),
                                      child_id=child_id, choices=choices).id)
    return out


@on_postgres
def test_the_draw_racing_the_applicants_holds_elsewhere_keeps_one_place_each(app):
    """Twelve applicants; at the moment of the draw each also holds a place at a slot outside
    the round. Whichever comes first, the child ends with one place, or one place and the
    round's offer replacing it."""
    for _round in range(2):
        reg_id, round_id, slot_ids, fams = world(12, (3, 3))
        apply_all(round_id, fams, slot_ids)
        rounds.close_round(round_id, db.session.get(User, reg_id))
        elsewhere = [f.slot(capacity=1).id for _ in fams]
        db.session.remove()

        def act(i):
            if i == len(fams):
                return in_context(app, lambda: drawing.draw_round(
                    round_id, db.session.get(User, reg_id)).status)
            parent_id, child_id = fams[i]
            return in_context(app, lambda: reservations.place_hold(
                slot_id=elsewhere[i], child_id=child_id,
                parent=db.session.get(User, parent_id)).status)

        results = race(len(fams) + 1, act)
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert results[-1] == "drawn"
        assert set(results[:-1]) <= {"held", "already-placed"}
        kids = [c for _p, c in fams]
        assert_one_place_each(kids, slot_ids + elsewhere)
        # Six seats in the round, all offered.
        offered = db.session.scalar(select(func.count(Reservation.id)).where(
            Reservation.slot_id.in_(slot_ids), Reservation.status == Status.HELD))
        assert offered == 6
        db.session.remove()
    assert_no_locks_left(app)


@on_postgres
def test_two_draws_at_once_draw_once(app):
    reg_id, round_id, slot_ids, fams = world(8, (2, 2))
    apply_all(round_id, fams, slot_ids)
    admin_id = f.user("admin").id
    rounds.close_round(round_id, db.session.get(User, reg_id))
    db.session.remove()
    actors = [reg_id, admin_id, reg_id, admin_id]
    results = race(4, lambda i: in_context(app, lambda: drawing.draw_round(
        round_id, db.session.get(User, actors[i])).status))
    assert Counter(results) == {"drawn": 1, "conflict": 3}
    held = db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.slot_id.in_(slot_ids), Reservation.status == Status.HELD))
    assert held == 4
    assert_no_locks_left(app)


@on_postgres
def test_applications_racing_the_close_are_in_or_refused_never_lost(app):
    reg_id, round_id, slot_ids, fams = world(10, (5,))
    db.session.remove()

    def act(i):
        if i == len(fams):
            return in_context(app, lambda: rounds.close_round(
                round_id, db.session.get(User, reg_id)).status)
        parent_id, child_id = fams[i]
        return in_context(app, lambda: applications.apply(
            round_id, db.session.get(User, parent_id), child_id=child_id,
            choices=slot_ids).status)

    results = race(len(fams) + 1, act)
    assert results[-1] == "closed"
    assert set(results[:-1]) <= {"submitted", "round-closed"}
    stored = db.session.scalar(select(func.count(Application.id)).where(
        Application.round_id == round_id))
    assert stored == results[:-1].count("submitted")
    drawing.draw_round(round_id, db.session.get(User, reg_id))
    doc = db.session.get(Round, round_id)
    assert len(json.loads(doc.publication)["inputs"]["applications"]) == stored
    assert_no_locks_left(app)


@on_postgres
def test_declines_racing_each_other_pass_each_seat_on_once(app):
    """Two slots of two seats, ten families: four offers; the four decline at once, and the
    seats cascade to the round's waits without ever exceeding a slot's capacity."""
    reg_id, round_id, slot_ids, fams = world(10, (2, 2))
    ids = apply_all(round_id, fams, slot_ids)
    rounds.close_round(round_id, db.session.get(User, reg_id))
    drawing.draw_round(round_id, db.session.get(User, reg_id))
    offered = [(a.id, a.parent_id) for a in db.session.scalars(select(Application).where(
        Application.id.in_(ids), Application.status == "offered"))]
    assert len(offered) == 4
    db.session.remove()
    results = race(4, lambda i: in_context(app, lambda: answers.decline(
        round_id, offered[i][0], db.session.get(User, offered[i][1])).status))
    assert results == ["declined"] * 4
    assert_one_place_each([c for _p, c in fams], slot_ids)
    held = db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.slot_id.in_(slot_ids), Reservation.status == Status.HELD))
    assert held == 4  # every seat offered on to a family still waiting
    assert_no_locks_left(app)
