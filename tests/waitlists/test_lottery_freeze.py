"""摇号: the participant list is frozen, and its hash published, with the seed. Knowing the seed
and the rule, a family could otherwise withdraw and re-join until a new entry id drew well
(issue #12: 42 re-joins drew position 1)."""
import hashlib
import json
from datetime import date, timedelta

import pytest

from booking import clock
from booking.children import services as children
from booking.extensions import db
from booking.waitlists import lottery, services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


@pytest.fixture
def round_(db):
    c = f.centre()
    s = f.slot(c, capacity=0)
    staff = f.user("staff", centre_id=c.id)
    families = []
    for _ in range(6):
        p = f.user()
        kid = f.child(p)
        families.append((p, kid, waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)[0]))
        clock.advance(timedelta(seconds=1))
    return s, staff, families


def rejoin_until_first(slot_id, parent, child, entry, seed, rivals, tries=42):
    """The attack: withdraw and re-join until the new entry id sorts before every rival's."""
    best = min(sha(f"{seed}:{i}") for i in rivals)
    for _ in range(tries):
        waitlists.leave(entry.id, parent)
        [entry] = waitlists.join(slot_id=slot_id, child_id=child.id, parent=parent)
        if sha(f"{seed}:{entry.id}") < best:
            break
    return entry


def test_rejoining_after_publication_neither_enters_the_draw_nor_changes_it(round_):
    s, staff, families = round_
    draw = lottery.publish(s.id, staff)
    frozen = sorted(e.id for _, _, e in families)
    gamer_parent, gamer_child, gamer_entry = families[0]
    honest = [e.id for _, _, e in families[1:]]
    clock.advance(timedelta(minutes=1))
    new_entry = rejoin_until_first(s.id, gamer_parent, gamer_child, gamer_entry, draw.seed, honest)
    latecomer = f.user()
    [late] = waitlists.join(slot_id=s.id, child_id=f.child(latecomer).id, parent=latecomer)
    assert new_entry.id not in frozen and late.id not in frozen
    clock.advance(timedelta(minutes=5))

    lottery.run(draw.id, staff)

    result = json.loads(draw.result)
    # the draw orders the frozen entries still waiting, exactly as without the re-joins
    assert result["participants"] == {"7": sorted(honest)}
    assert result["order"]["7"] == lottery.order(draw.seed, honest)
    db.session.expire_all()
    assert db.session.get(WaitlistEntry, new_entry.id).draw_position is None
    assert db.session.get(WaitlistEntry, late.id).draw_position is None
    # who joined after publication waits behind everyone drawn, for the next draw
    queue = sorted(db.session.query(WaitlistEntry).filter_by(slot_id=s.id, status="waiting"),
                   key=waitlists.position)
    assert [e.id for e in queue] == result["order"]["7"] + [new_entry.id, late.id]
    assert waitlists.position(db.session.get(WaitlistEntry, new_entry.id)) == 6


def test_the_published_hash_is_the_hash_of_the_frozen_ids(round_, client):
    s, staff, families = round_
    draw = lottery.publish(s.id, staff)
    frozen = sorted(e.id for _, _, e in families)
    expected = sha(",".join(map(str, frozen)))
    assert draw.participants_sha256 == expected
    later = f.user()
    waitlists.join(slot_id=s.id, child_id=f.child(later).id, parent=later)

    api = client.get(f"/api/v1/lottery/{draw.id}").get_json()
    assert (api["participants"], api["participant_count"], api["participants_sha256"]) == \
        (frozen, 6, expected)
    page = client.get(f"/lottery/{draw.id}").get_data(as_text=True)
    assert expected in page and ", ".join(map(str, frozen)) in page


def test_the_draw_is_reproducible_from_the_published_seed_and_list(round_, client):
    s, staff, families = round_
    draw = lottery.publish(s.id, staff)
    published = client.get(f"/api/v1/lottery/{draw.id}").get_json()
    # one family leaves before the draw; another re-joins (a new entry, not in this draw)
    p, kid, e = families[2]
    waitlists.leave(e.id, p)
    waitlists.join(slot_id=s.id, child_id=kid.id, parent=p)
    clock.advance(timedelta(minutes=5))
    lottery.run(draw.id, staff)

    drawn = client.get(f"/api/v1/lottery/{draw.id}").get_json()
    seed, frozen, result = drawn["seed"], drawn["participants"], drawn["result"]
    # what anyone can check with the published data alone
    assert seed == published["seed"] and frozen == published["participants"]
    assert sha(",".join(map(str, sorted(frozen)))) == published["participants_sha256"]
    assert result["frozen"] == frozen
    for tier, ids in result["participants"].items():
        assert set(ids) <= set(frozen)
        assert result["order"][tier] == sorted(ids, key=lambda i: sha(f"{seed}:{i}"))
    assert sorted(sum(result["participants"].values(), [])) == sorted(set(frozen) - {e.id})
    # the public page re-runs it to the same order
    ids = result["participants"]["7"]
    page = client.post(f"/lottery/{draw.id}", data={"seed": seed, "ids": ", ".join(map(str, ids))})
    assert ", ".join(map(str, result["order"]["7"])) in page.get_data(as_text=True)


def test_withdrawing_one_twin_keeps_the_units_number(round_):
    s, staff, _families = round_
    parent = f.user()
    first = children.add_child(parent, name="大宝", birth_date=date(2025, 9, 1))
    children.add_child(parent, name="二宝", birth_date=date(2025, 9, 1), twin_of=first.id)
    unit = waitlists.join(slot_id=s.id, child_id=first.id, parent=parent)
    assert len(unit) == 2
    low, high = sorted(e.id for e in unit)
    draw = lottery.publish(s.id, staff)
    # the family sees both numbers and keeps the twin whose id draws better
    waitlists.leave(low, parent)
    clock.advance(timedelta(minutes=5))
    lottery.run(draw.id, staff)
    result = json.loads(draw.result)
    assert low in result["participants"]["7"] and high not in result["participants"]["7"]
    assert db.session.get(WaitlistEntry, high).draw_position == \
        result["order"]["7"].index(low) + 1
