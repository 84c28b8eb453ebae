"""摇号: a draw within tiers, reproducible from the published seed and list."""
import hashlib
import json
from datetime import timedelta

import pytest

from booking import clock
from booking.errors import Conflict, NotFound
from booking.waitlists import lottery, services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f


@pytest.fixture
def round_(db):
    c = f.centre()
    s = f.slot(c, capacity=0)
    staff = f.user("staff", centre_id=c.id)
    families = []
    for _ in range(6):
        p = f.user()
        families.append(waitlists.join(slot_id=s.id, child_id=f.child(p).id, parent=p)[0])
        clock.advance(timedelta(seconds=1))
    return s, staff, families


def test_order_is_sha256_of_seed_and_id():
    ids = [5, 9, 12, 30]
    expected = sorted(ids, key=lambda i: hashlib.sha256(f"abc:{i}".encode()).hexdigest())
    assert lottery.order("abc", ids) == expected


def test_draw_orders_within_tier_and_is_reproducible(round_, db):
    s, staff, entries = round_
    draw = lottery.publish(s.id, staff)
    with pytest.raises(Conflict):  # the seed must be public before the draw
        lottery.run(draw.id, staff)
    clock.advance(timedelta(minutes=5))
    lottery.run(draw.id, staff)
    result = json.loads(draw.result)
    ids = result["participants"]["7"]
    assert sorted(ids) == sorted(e.id for e in entries)
    assert result["order"]["7"] == lottery.order(draw.seed, ids)
    # the queue now follows the draw, not the joining time
    by_position = sorted(entries, key=lambda e: waitlists.position(db.session.get(WaitlistEntry, e.id)))
    assert [e.id for e in by_position] == result["order"]["7"]
    with pytest.raises(Conflict):
        lottery.run(draw.id, staff)


def test_only_the_centres_staff_publish(round_):
    s, _staff, _ = round_
    other = f.user("staff", centre_id=f.centre().id)
    with pytest.raises(NotFound):
        lottery.publish(s.id, other)


def test_public_page_rechecks_a_draw(round_, client):
    s, staff, _ = round_
    draw = lottery.publish(s.id, staff)
    clock.advance(timedelta(minutes=1))
    lottery.run(draw.id, staff)
    page = client.get(f"/lottery/{draw.id}")
    assert page.status_code == 200 and draw.seed in page.get_data(as_text=True)
    ids = json.loads(draw.result)["participants"]["7"]
    resp = client.post(f"/lottery/{draw.id}", data={"seed": draw.seed, "ids": ", ".join(map(str, ids))})
    assert ", ".join(map(str, lottery.order(draw.seed, ids))) in resp.get_data(as_text=True)
    api = client.get(f"/api/v1/lottery/{draw.id}").get_json()
    assert api["seed"] == draw.seed and api["result"]["order"]["7"] == lottery.order(draw.seed, ids)


def test_reordering_the_policy_reranks_families_already_waiting(db):
    from datetime import date
    from booking.waitlists.models import WaitlistEntry
    c = f.centre()
    s = f.slot(c, capacity=0)
    resident, family = f.user(), f.user()
    a = waitlists.join(slot_id=s.id, child_id=f.child(resident).id, parent=resident,
                       tier="district_resident", evidence="居住证")[0]
    f.child(family, birth_date=date(2023, 1, 1))  # an older sibling: second child
    b = waitlists.join(slot_id=s.id, child_id=f.child(family).id, parent=family)[0]
    assert (a.tier, b.tier) == ("district_resident", "second_third_child")
    assert waitlists.position(b) == 1
    waitlists.set_policy(c.id, ["district_resident", "second_third_child"])
    db.session.expire_all()
    assert waitlists.position(db.session.get(WaitlistEntry, a.id)) == 1
    assert waitlists.position(db.session.get(WaitlistEntry, b.id)) == 2
