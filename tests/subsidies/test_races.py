"""Two generators of one centre-month at once (PostgreSQL, real threads): one claim, each child
on one line — the unique constraints and the claim's row lock (claims._claim_row, lock_claim)."""
from collections import Counter

from sqlalchemy import func, select

from booking.errors import Conflict
from booking.extensions import db
from booking.subsidies import claims
from booking.subsidies.models import SubsidyClaim, SubsidyClaimLine
from tests.concurrency.helpers import assert_no_locks_left, race
from tests.subsidies.conftest import OCT, enrol, make_world


def test_generating_one_month_at_once_makes_one_claim(app, pg_only):
    w = make_world("白银")
    for _ in range(3):
        enrol(w)
    centre_id = w.centre.id
    db.session.commit()
    db.session.remove()

    def generate(_i):
        with app.app_context():
            try:
                claim, _made = claims.generate(centre_id, OCT)
                return claim.id
            finally:
                db.session.remove()

    results = race(6, generate)
    assert len(set(results)) == 1, results
    assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 1
    assert db.session.scalar(select(func.count(SubsidyClaimLine.id))) == 3
    assert db.session.scalar(select(SubsidyClaim.total_fen)) == 60000
    assert_no_locks_left(app)


def test_a_submission_and_a_regeneration_at_once(app, pg_only):
    w = make_world("白银")
    enrol(w)
    claim_id = claims.generate(w.centre.id, OCT)[0].id
    director_id, centre_id = w.director.id, w.centre.id
    db.session.commit()
    db.session.remove()

    def step(i):
        with app.app_context():
            try:
                if i % 2:
                    from booking.auth.models import User
                    claims.submit(claim_id, db.session.get(User, director_id))
                    return "submitted"
                claims.generate(centre_id, OCT)
                return "generated"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    results = Counter(race(4, step))
    assert results["submitted"] == 1, results
    assert db.session.scalar(select(func.count(SubsidyClaimLine.id))) == 1
    assert db.session.get(SubsidyClaim, claim_id).status == "submitted"
    assert_no_locks_left(app)


def test_two_schedulers_drafting_last_month_at_once(app, pg_only):
    worlds = [make_world("白银"), make_world("白银", policy=False)]
    for w in worlds:
        enrol(w)
    db.session.commit()
    db.session.remove()

    def run(_i):
        from booking.subsidies.jobs import generate_last_month
        with app.app_context():
            try:
                return generate_last_month()
            finally:
                db.session.remove()

    results = race(3, run)
    assert all(isinstance(r, int) for r in results), results
    assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 2
    assert db.session.scalar(select(func.count(SubsidyClaimLine.id))) == 2
    assert_no_locks_left(app)
