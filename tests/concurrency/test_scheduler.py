"""The scheduled jobs: two sweeps at once never release or offer anything twice, a sweep that
dies midway loses nothing, reminders go once, and the job table is safe (docs/design.md, Jobs)."""
import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from booking.places import sweeps
from booking import clock, jobs
from booking.audit.models import AuditEvent, Notification
from booking.children import services as children
from booking.extensions import db
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, race

ROOT = Path(__file__).resolve().parents[2]
HOLD = timedelta(hours=48)


def lapsing_world(n_slots=20, per_slot=10, now=None):
    """n_slots full slots of per_slot holds each, and on every slot's waitlist two single
    children and a pair of twins (three units, four children). Every slot has families of
    its own: a child has one live place (docs/domain.md, "One child, one place"), so shared
    holders could hold only one slot, and shared waiters would be offered only one."""
    c = f.centre()
    slots = [f.slot(c, capacity=per_slot) for _ in range(n_slots)]
    later = (now or clock.now()) + timedelta(minutes=1)
    for s in slots:
        for _ in range(per_slot):
            p = f.user()
            reservations.place_hold(slot_id=s.id, child_id=f.child(p).id, parent=p, now=now)
        for _ in range(2):
            p = f.user()
            waitlists.join(slot_id=s.id, child_id=f.child(p).id, parent=p, now=later)
        tp = f.user()
        a = children.add_child(tp, name="甲", birth_date=date(2025, 9, 1))
        children.add_child(tp, name="乙", birth_date=a.birth_date, twin_of=a.id)
        waitlists.join(slot_id=s.id, child_id=a.id, parent=tp, now=later)
    return [s.id for s in slots]


def assert_each_done_once(slot_ids, holds, capacity=10):
    db.session.expire_all()
    expired = db.session.scalars(select(AuditEvent.entity_id).where(
        AuditEvent.action == "reservation.expired")).all()
    assert len(expired) == holds and len(set(expired)) == holds
    assert db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.status == "expired")) == holds
    offered = Counter(db.session.scalars(select(AuditEvent.entity_id).where(
        AuditEvent.action == "waitlist.offered")))
    entries = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.slot_id.in_(slot_ids))).all()
    assert all(offered[e.id] == 1 for e in entries), "a waiting unit was offered twice (or never)"
    assert {e.status for e in entries} == {"offered"}
    offer_notes = Counter(db.session.scalars(select(Notification.params).where(
        Notification.kind == "offer_made")))
    assert len(offer_notes) == len(entries) and set(offer_notes.values()) == {1}
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "hold_lapsed")) == holds
    for sid in slot_ids:
        live = db.session.scalar(select(func.count(Reservation.id)).where(
            Reservation.slot_id == sid, Reservation.status.in_(("held", "enrolled"))))
        assert live <= capacity


def test_two_sweeps_at_once_expire_and_offer_everything_exactly_once(app):
    slot_ids = lapsing_world()
    clock.advance(HOLD + timedelta(minutes=5))
    db.session.remove()

    def sweep(_i):
        with app.app_context():
            return sweeps.release_lapsed(batch=7)

    results = race(2, sweep)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 200
    assert_each_done_once(slot_ids, 200)
    assert sweeps.release_lapsed() == 0
    assert_no_locks_left(app)


def test_two_scheduler_processes_at_once(app):
    """Two `flask --app wsgi release-lapsed` processes on the test's database. They run on the
    real clock, so the holds here lapsed in the real past."""
    real_now = datetime.now(timezone.utc)
    slot_ids = lapsing_world(n_slots=6, per_slot=5, now=real_now - HOLD - timedelta(days=1))
    db.session.remove()
    env = {k: v for k, v in os.environ.items()
           if k not in ("SMTP_HOST", "TEST_DATABASE_URL", "FLASK_APP")}
    env["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "release-lapsed"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    released = [int(out.split("released ")[1].split()[0]) for out, _err in outputs]
    assert sum(released) == 30, outputs
    assert_each_done_once(slot_ids, 30, capacity=5)
    assert_no_locks_left(app)


class Crash(RuntimeError):
    pass


def test_a_sweep_that_dies_midway_loses_nothing(app, monkeypatch):
    slot_ids = lapsing_world(n_slots=9, per_slot=4)
    clock.advance(HOLD + timedelta(minutes=5))
    # The sweep offers each batch's slots in one call (offer_next_many): it dies in the
    # second batch of three slots, after that batch's holds were expired.
    real_offer_next = sweeps.offer_next_many
    calls = []

    def offer_then_die(slots, now):
        calls.extend(s.id for s in slots)
        if len(calls) > 3:
            raise Crash("scheduler killed")
        return real_offer_next(slots, now)

    monkeypatch.setattr(sweeps, "offer_next_many", offer_then_die)
    with pytest.raises(Crash):
        sweeps.release_lapsed(batch=3)
    db.session.rollback()  # what the job runner does with a failed run
    # the first batch is committed, whole: three slots expired and offered on
    db.session.expire_all()
    expired_slots = set(db.session.scalars(select(Reservation.slot_id).where(
        Reservation.status == "expired")))
    assert expired_slots == set(calls[:3])
    assert db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.status == "expired")) == 3 * 4
    assert db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.status == "offered")) == 3 * 4
    # on restart the sweep catches up with the rest, doing nothing twice
    monkeypatch.setattr(sweeps, "offer_next_many", real_offer_next)
    assert sweeps.release_lapsed(batch=3) == 6 * 4
    assert_each_done_once(slot_ids, 9 * 4, capacity=4)


def test_the_job_runner_survives_a_failed_run_and_the_next_run_catches_up(app, monkeypatch):
    slot_ids = lapsing_world(n_slots=3, per_slot=4)
    clock.advance(HOLD)
    real_release = sweeps.release_lapsed

    def broken(now=None, batch=200):
        raise Crash("database went away")

    broken.__name__ = "release_lapsed"
    jobs._in_context(app, broken)()  # logged and rolled back, never raised
    assert db.session.scalar(select(func.count(Reservation.id)).where(
        Reservation.status == "expired")) == 0
    jobs._in_context(app, real_release)()
    assert_each_done_once(slot_ids, 12, capacity=4)


def test_reminders_go_once_per_hold_even_from_two_schedulers(app):
    c = f.centre()
    slot_ids = [f.slot(c, capacity=10).id for _ in range(3)]
    holds = 0
    for sid in slot_ids:
        for _ in range(5):
            p = f.user()
            reservations.place_hold(slot_id=sid, child_id=f.child(p).id, parent=p)
            holds += 1
    clock.advance(HOLD - timedelta(hours=1, minutes=30))
    db.session.remove()

    def remind(_i):
        with app.app_context():
            return sweeps.remind_lapsing()

    results = race(2, remind)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == holds
    assert sweeps.remind_lapsing() == 0
    notes = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "hold_lapsing")).all()
    assert len(notes) == holds and len(set(notes)) == holds  # one parent per hold here
    assert_no_locks_left(app)


def test_the_job_table(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    sched = jobs.build_scheduler(app, BackgroundScheduler)
    table = {job.id: job for job in sched.get_jobs()}
    ours = {"release_lapsed", "remind_lapsing", "deliver_emails", "release_leavers",
            "serve_waitlists"}
    assert ours <= set(table)
    for job in table.values():
        assert job.max_instances == 1 and job.coalesce is True
    for name in ours:
        assert table[name].trigger.interval == \
            timedelta(seconds=app.config["TUOWEI_SWEEP_SECONDS"])
        # each run gets an app context of its own and never raises
        assert table[name].func() is None
    assert not sched.running
