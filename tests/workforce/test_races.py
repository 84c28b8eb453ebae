"""Two centres add the same person at once (PostgreSQL): the unique partial index lets one."""
from collections import Counter

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.rosters.models import StaffMember
from booking.workforce import identity
from tests.concurrency.helpers import race

from .conftest import ID, carer

pytestmark = pytest.mark.usefixtures("pg_only")


def test_same_person_at_two_centres_at_once_one_wins(app, wf):
    ids = [carer(wf["c1"]).id, carer(wf["c2"]).id] * 2
    db.session.commit()
    db.session.remove()

    def add(i):
        with app.app_context():
            try:
                identity.set_id_number(ids[i], ID)
                return "set"
            except identity.SecondCentre:
                return "refused"
            finally:
                db.session.remove()

    results = race(len(ids), add)
    # The same staff record may take the number twice (its own row); the other centre never.
    holders = db.session.scalar(select(func.count(func.distinct(StaffMember.centre_id))).where(
        StaffMember.id_number_hash.is_not(None), StaffMember.active.is_(True)))
    assert holders == 1, results
    assert Counter(results)["refused"] >= 2, results
