"""Ranked waiting (志愿顺序, issue 14 item 3): ranks on joining, the city's limit of waits,
reordering by service, API and page, twins ranked together, and what taking a place does to
the waits ranked below and above it."""
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.children import services as children
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.extensions import db as _db
from booking.reservations import enrolment
from booking.reservations import services as reservations
from booking.reservations.models import Reservation
from booking.waitlists import ranking
from booking.waitlists import services as waitlists
from booking.waitlists.models import WaitlistEntry
from tests import factories as f
from tests.concurrency.helpers import assert_no_locks_left, post, race, slug, token_for

PROBLEM = "https://tuowei.example/problems/"


def full_slots(n, c=None, city="西安"):
    """`n` slots of one place each, every place held by another family."""
    c = c or f.centre(f.district(city=city))
    out = []
    for _ in range(n):
        s = f.slot(c, capacity=1)
        holder = f.user()
        reservations.place_hold(slot_id=s.id, child_id=f.child(holder).id, parent=holder)
        out.append(s)
    return out


def join_all(slots, kid, parent):
    """Join each slot in turn; returns the child's own entry at each."""
    entries = []
    for s in slots:
        entries.append(next(e for e in waitlists.join(slot_id=s.id, child_id=kid.id, parent=parent)
                            if e.child_id == kid.id))
        clock.advance(timedelta(minutes=1))
    return entries


def fresh(entry):
    _db.session.expire_all()
    return _db.session.get(WaitlistEntry, entry.id)


def ranks(entries):
    _db.session.expire_all()
    return [_db.session.get(WaitlistEntry, e.id).choice_rank for e in entries]


def shown(kid):
    """The child's live waits as the family sees them: [(slot_id, 志愿 n)]."""
    _db.session.expire_all()
    waits = ranking.live_waits([kid.id])[kid.id]
    return [(e.slot_id, ranking.shown_rank(e)) for e in waits]


def twins(name="大宝", twin="二宝"):
    parent = f.user()
    first = children.add_child(parent, name=name, birth_date=date(2025, 9, 1))
    second = children.add_child(parent, name=twin, birth_date=date(2025, 9, 1), twin_of=first.id)
    return parent, first, second


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


@pytest.fixture
def fam(db):
    parent = f.user()
    return parent, f.child(parent, name="林小满")


# -- ranks on joining -------------------------------------------------------------------

def test_each_new_wait_is_ranked_last(fam):
    parent, kid = fam
    entries = join_all(full_slots(3), kid, parent)
    assert ranks(entries) == [1, 2, 3]
    joined = _db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "waitlist.joined", AuditEvent.entity_id == entries[2].id)).one()
    assert json.loads(joined.after)["choice_rank"] == 3


def test_a_wait_that_ends_leaves_a_gap_shown_as_one_to_k_and_a_new_wait_comes_last(fam):
    parent, kid = fam
    slots = full_slots(4)
    entries = join_all(slots[:3], kid, parent)
    waitlists.leave(entries[1].id, parent)
    assert shown(kid) == [(slots[0].id, 1), (slots[2].id, 2)]
    assert ranking.shown_rank(fresh(entries[1])) is None
    [new] = waitlists.join(slot_id=slots[3].id, child_id=kid.id, parent=parent)
    assert new.choice_rank == 4  # after the highest live rank; only the order matters
    assert shown(kid)[-1] == (slots[3].id, 3)
    ranking.rerank(kid.id, parent, [entries[0].id, entries[2].id, new.id])
    assert ranks([entries[0], entries[2], new]) == [1, 2, 3]  # a reordering closes the gaps


def test_a_child_placed_elsewhere_may_still_join(fam):
    parent, kid = fam
    [free] = [f.slot(f.centre(), capacity=1)]
    reservations.place_hold(slot_id=free.id, child_id=kid.id, parent=parent)
    [e] = join_all(full_slots(1), kid, parent)
    assert (e.status, e.choice_rank) == ("waiting", 1)


# -- the city's limit ---------------------------------------------------------------------

def test_at_most_five_waits_by_default(fam):
    parent, kid = fam
    slots = full_slots(6)
    entries = join_all(slots[:5], kid, parent)
    assert ranks(entries) == [1, 2, 3, 4, 5]
    with pytest.raises(Conflict) as err:
        waitlists.join(slot_id=slots[5].id, child_id=kid.id, parent=parent)
    assert "最多同时候补 5 个" in err.value.message and err.value.extra == {"max_waits": 5}
    assert _db.session.scalar(select(WaitlistEntry.id).where(
        WaitlistEntry.slot_id == slots[5].id)) is None
    # leaving one makes room again
    waitlists.leave(entries[0].id, parent)
    [e] = waitlists.join(slot_id=slots[5].id, child_id=kid.id, parent=parent)
    assert e.status == "waiting"


def test_the_citys_policy_sets_the_limit(fam):
    parent, kid = fam
    policy = f.policy(city="大连")
    policy.max_waits = 2
    _db.session.commit()
    slots = full_slots(3, city="大连")
    join_all(slots[:2], kid, parent)
    with pytest.raises(Conflict) as err:
        waitlists.join(slot_id=slots[2].id, child_id=kid.id, parent=parent)
    assert "最多同时候补 2 个" in err.value.message and err.value.extra == {"max_waits": 2}


def test_the_limit_over_the_api_is_a_409_naming_it(client, fam):
    parent, kid = fam
    policy = f.policy(city="大连")
    policy.max_waits = 1
    _db.session.commit()
    first, second = full_slots(2, city="大连")
    join_all([first], kid, parent)
    resp = client.post("/api/v1/waitlist", json={"slot_id": second.id, "child_id": kid.id},
                       headers=f.bearer(client, parent))
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["type"] == PROBLEM + "conflict" and body["max_waits"] == 1
    assert "最多同时候补 1 个" in body["detail"]


def test_twins_each_count_towards_the_limit(db):
    parent, first, second = twins()
    policy = f.policy(city="大连")
    policy.max_waits = 2
    _db.session.commit()
    slots = full_slots(3, city="大连")
    join_all(slots[:2], first, parent)
    with pytest.raises(Conflict):
        waitlists.join(slot_id=slots[2].id, child_id=second.id, parent=parent)


def test_ten_joins_at_once_for_one_child_keep_the_limit_and_distinct_ranks(app, fam):
    """The child's row is locked before the slot's (the lock order), so concurrent joins at
    different slots count the child's waits one after another."""
    parent, kid = fam
    policy = f.policy(city="大连")
    policy.max_waits = 3
    _db.session.commit()
    slot_ids = [s.id for s in full_slots(10, city="大连")]
    kid_id, token = kid.id, token_for(parent)
    _db.session.remove()
    results = race(10, lambda i: post(app, "/api/v1/waitlist", token,
                                      {"slot_id": slot_ids[i], "child_id": kid_id}))
    assert sorted((status, slug(body)) for status, body in results) == \
        [(201, "")] * 3 + [(409, "conflict")] * 7
    assert sorted(body["choice_rank"] for status, body in results if status == 201) == [1, 2, 3]
    assert sorted(e.choice_rank for e in ranking.live_waits([kid_id])[kid_id]) == [1, 2, 3]
    assert_no_locks_left(app)


# -- reordering ----------------------------------------------------------------------------

def test_rerank_in_the_familys_order_audited(fam):
    parent, kid = fam
    a, b, c = join_all(full_slots(3), kid, parent)
    waits = ranking.rerank(kid.id, parent, [c.id, a.id, b.id])
    assert [e.id for e in waits] == [c.id, a.id, b.id]
    assert ranks([c, a, b]) == [1, 2, 3]
    events = _db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "waitlist.reranked").order_by(AuditEvent.entity_id)).all()
    assert {(e.entity_id, json.loads(e.before)["choice_rank"], json.loads(e.after)["choice_rank"])
            for e in events} == {(a.id, 1, 2), (b.id, 2, 3), (c.id, 3, 1)}
    assert all(e.actor_id == parent.id and e.centre_id is None for e in events)
    # the same order again changes nothing and writes nothing
    ranking.rerank(kid.id, parent, [c.id, a.id, b.id])
    assert len(_db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "waitlist.reranked")).all()) == 3


@pytest.mark.parametrize("ids", ["missing", "extra", "repeated", "ended", "empty"])
def test_rerank_needs_exactly_the_childs_live_waits(fam, ids):
    parent, kid = fam
    a, b, c = join_all(full_slots(3), kid, parent)
    other_parent = f.user()
    [foreign] = join_all(full_slots(1), f.child(other_parent), other_parent)
    order = {"missing": [a.id, b.id], "extra": [a.id, b.id, c.id, foreign.id],
             "repeated": [a.id, b.id, b.id, c.id], "ended": [a.id, b.id, c.id],
             "empty": []}[ids]
    if ids == "ended":
        waitlists.leave(c.id, parent)
    with pytest.raises(ValidationFailed) as err:
        ranking.rerank(kid.id, parent, order)
    assert "entry_ids" in err.value.errors
    assert ranks([a, b]) == [1, 2]


def test_only_the_childs_guardian_reranks(fam):
    parent, kid = fam
    a, b = join_all(full_slots(2), kid, parent)
    stranger = f.user()
    with pytest.raises(NotFound):
        ranking.rerank(kid.id, stranger, [b.id, a.id])
    with pytest.raises(NotFound):
        ranking.move(b.id, stranger, "up")
    assert ranks([a, b]) == [1, 2]


def test_move_up_and_down_one_place(fam):
    parent, kid = fam
    a, b, c = join_all(full_slots(3), kid, parent)
    ranking.move(c.id, parent, "up")
    assert [e.id for e in ranking.live_waits([kid.id])[kid.id]] == [a.id, c.id, b.id]
    ranking.move(a.id, parent, "down")
    assert [e.id for e in ranking.live_waits([kid.id])[kid.id]] == [c.id, a.id, b.id]
    ranking.move(c.id, parent, "up")  # already first: stays
    ranking.move(b.id, parent, "down")  # already last: stays
    assert ranks([c, a, b]) == [1, 2, 3]
    with pytest.raises(ValidationFailed):
        ranking.move(a.id, parent, "sideways")
    waitlists.leave(a.id, parent)
    with pytest.raises(Conflict):
        ranking.move(a.id, parent, "up")


def test_an_offered_wait_is_ranked_too(fam):
    parent, kid = fam
    slots = full_slots(2)
    a, b = join_all(slots, kid, parent)
    holder = _db.session.scalar(select(Reservation).where(Reservation.slot_id == slots[1].id,
                                                          Reservation.child_id != kid.id))
    reservations.cancel(holder.id, holder.parent)
    assert fresh(b).status == "offered"
    ranking.rerank(kid.id, parent, [b.id, a.id])
    assert ranks([b, a]) == [1, 2]


# -- twins ---------------------------------------------------------------------------------

def test_twins_are_ranked_together(db):
    parent, first, second = twins()
    slots = full_slots(3)
    for s in slots:
        waitlists.join(slot_id=s.id, child_id=first.id, parent=parent)
    mine = ranking.live_waits([first.id, second.id])
    assert [e.choice_rank for e in mine[first.id]] == [1, 2, 3]
    assert [(e.slot_id, e.choice_rank) for e in mine[second.id]] == \
        [(e.slot_id, e.choice_rank) for e in mine[first.id]]
    # reordering one twin's waits reorders the other's
    a, b, c = mine[first.id]
    ranking.rerank(first.id, parent, [c.id, a.id, b.id])
    _db.session.expire_all()
    mine = ranking.live_waits([first.id, second.id])
    want = [slots[2].id, slots[0].id, slots[1].id]
    assert [e.slot_id for e in mine[first.id]] == want == [e.slot_id for e in mine[second.id]]
    assert [e.choice_rank for e in mine[second.id]] == [1, 2, 3]
    # and moving the second twin's wait moves the first's
    ranking.move(mine[second.id][2].id, parent, "up")
    mine = ranking.live_waits([first.id, second.id])
    want = [slots[2].id, slots[1].id, slots[0].id]
    assert [e.slot_id for e in mine[first.id]] == want == [e.slot_id for e in mine[second.id]]


def test_a_twins_own_wait_follows_the_shared_ones(db):
    """One twin left a waitlist alone: the other's wait there has no partner, and a reordering
    of the first twin's waits puts it after the shared ones, in its old order."""
    parent, first, second = twins()
    slots = full_slots(3)
    for s in slots:
        waitlists.join(slot_id=s.id, child_id=first.id, parent=parent)
    mine = ranking.live_waits([first.id, second.id])
    waitlists.leave(mine[first.id][0].id, parent)  # 大宝 leaves choice 1; 二宝 stays
    a, b = ranking.live_waits([first.id])[first.id]
    ranking.rerank(first.id, parent, [b.id, a.id])
    mine = ranking.live_waits([first.id, second.id])
    assert [(e.slot_id, e.choice_rank) for e in mine[first.id]] == \
        [(slots[2].id, 1), (slots[1].id, 2)]
    assert [(e.slot_id, e.choice_rank) for e in mine[second.id]] == \
        [(slots[2].id, 1), (slots[1].id, 2), (slots[0].id, 3)]


# -- a place taken: the waits below end, those above stay and come as transfers ------------

def test_taking_choice_k_ends_the_waits_below_and_keeps_those_above(fam):
    parent, kid = fam
    slots = full_slots(3)
    first, second, third = join_all(slots, kid, parent)
    staff = f.user("staff", centre_id=slots[0].centre_id)
    holder = _db.session.scalar(select(Reservation).where(Reservation.slot_id == slots[1].id))
    reservations.cancel(holder.id, holder.parent)
    offer = fresh(second)
    assert offer.status == "offered"
    f.passed_check(kid, parent)
    enrolled = enrolment.confirm(offer.reservation_id, staff)
    assert enrolled.status == "enrolled"
    # below: ended, audited, the family told
    assert (fresh(second).status, fresh(third).status) == ("accepted", "withdrawn")
    [ended] = _db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "waitlist.ended_by_placement")).all()
    assert ended.entity_id == third.id
    assert json.loads(ended.before) == {"status": "waiting", "choice_rank": 3}
    [note] = _db.session.scalars(select(Notification).where(
        Notification.user_id == parent.id, Notification.kind == "waits_ended")).all()
    assert json.loads(note.params)["count"] == 1
    # above: still waiting, now the family's only choice
    assert fresh(first).status == "waiting"
    assert shown(kid) == [(slots[0].id, 1)]
    # a place there frees: the offer is a transfer, replacing the enrolment
    holder = _db.session.scalar(select(Reservation).where(Reservation.slot_id == slots[0].id))
    reservations.cancel(holder.id, holder.parent)
    transfer = fresh(first)
    assert transfer.status == "offered"
    hold = _db.session.get(Reservation, transfer.reservation_id)
    assert hold.status == "held" and hold.replaces_id == enrolled.id


def test_a_reordering_decides_which_waits_a_place_ends(fam):
    parent, kid = fam
    slots = full_slots(3)
    first, second, third = join_all(slots, kid, parent)
    ranking.rerank(kid.id, parent, [third.id, second.id, first.id])  # choice 1 is now slots[2]
    staff = f.user("staff", centre_id=slots[0].centre_id)
    holder = _db.session.scalar(select(Reservation).where(Reservation.slot_id == slots[1].id))
    reservations.cancel(holder.id, holder.parent)
    f.passed_check(kid, parent)
    enrolment.confirm(fresh(second).reservation_id, staff)
    assert (fresh(first).status, fresh(third).status) == ("withdrawn", "waiting")


# -- the API -------------------------------------------------------------------------------

@pytest.fixture
def api(client, fam):
    parent, kid = fam
    entries = join_all(full_slots(3), kid, parent)
    return {"parent": parent, "kid": kid, "entries": entries,
            "hp": f.bearer(client, parent)}


def test_api_entries_carry_their_choice_rank(client, api):
    a, b, c = api["entries"]
    resp = client.get(f"/api/v1/waitlist/{b.id}", headers=api["hp"])
    assert resp.status_code == 200 and resp.get_json()["choice_rank"] == 2
    resp = client.get(f"/api/v1/children/{api['kid'].id}/waits", headers=api["hp"])
    assert resp.status_code == 200
    assert [(w["id"], w["choice_rank"]) for w in resp.get_json()] == \
        [(a.id, 1), (b.id, 2), (c.id, 3)]
    resp = client.post(f"/api/v1/waitlist/{a.id}/withdraw", headers=api["hp"])
    assert resp.status_code == 200 and resp.get_json()["choice_rank"] is None
    resp = client.get(f"/api/v1/waitlist/{c.id}", headers=api["hp"])
    assert resp.get_json()["choice_rank"] == 2


def test_api_put_ranks_the_waits_200(client, api):
    a, b, c = api["entries"]
    resp = client.put(f"/api/v1/children/{api['kid'].id}/waits",
                      json={"entry_ids": [b.id, c.id, a.id]}, headers=api["hp"])
    assert resp.status_code == 200, resp.get_json()
    assert [(w["id"], w["choice_rank"]) for w in resp.get_json()] == \
        [(b.id, 1), (c.id, 2), (a.id, 3)]
    assert ranks([b, c, a]) == [1, 2, 3]


@pytest.mark.parametrize("body", [{"entry_ids": "missing"}, {"entry_ids": "repeated"},
                                  {"entry_ids": [0]}, {}, {"entry_ids": "x"}])
def test_api_put_422_for_anything_but_the_childs_live_waits(client, api, body):
    a, b, c = api["entries"]
    if body.get("entry_ids") == "missing":
        body = {"entry_ids": [a.id, b.id]}
    elif body.get("entry_ids") == "repeated":
        body = {"entry_ids": [a.id, b.id, c.id, c.id]}
    resp = client.put(f"/api/v1/children/{api['kid'].id}/waits", json=body, headers=api["hp"])
    assert resp.status_code == 422, resp.get_json()
    problem = resp.get_json()
    assert problem["type"] == PROBLEM + "validation"
    assert any(k.startswith("entry_ids") for k in problem["errors"])
    assert ranks([a, b, c]) == [1, 2, 3]


def test_api_404_for_a_child_not_yours_403_for_staff(client, api):
    a, b, c = api["entries"]
    stranger = f.user()
    hs = f.bearer(client, stranger)
    url = f"/api/v1/children/{api['kid'].id}/waits"
    assert client.put(url, json={"entry_ids": [c.id, b.id, a.id]}, headers=hs).status_code == 404
    assert client.get(url, headers=hs).status_code == 404
    staff = f.user("staff", centre_id=fresh(a).slot.centre_id)
    hst = f.bearer(client, staff)
    assert client.put(url, json={"entry_ids": [c.id, b.id, a.id]}, headers=hst).status_code == 403
    assert client.get(url, headers=hst).status_code == 403
    assert client.put(url, json={"entry_ids": [c.id, b.id, a.id]}).status_code == 401
    assert ranks([a, b, c]) == [1, 2, 3]


# -- the page ------------------------------------------------------------------------------

def test_the_page_lists_each_childs_choices_in_order_with_buttons(client, fam):
    parent, kid = fam
    slots = full_slots(3)
    a, b, c = join_all(slots, kid, parent)
    ranking.rerank(kid.id, parent, [b.id, a.id, c.id])
    login(client, parent)
    html = client.get("/waitlist").get_data(as_text=True)
    html = re.sub(r'<span translate="no">([^<]*)</span>', r"\1", html)  # names as plain text
    rows = re.findall(r'data-entry-id="(\d+)"', html)
    assert rows == [str(b.id), str(a.id), str(c.id)]
    assert "志愿 1" in html and "志愿 3" in html
    assert "最多 5 个志愿，已用 3 个" in html
    assert "排在它后面的候补自动结束" in html and "以转托的方式通知您" in html
    centre = slots[0].centre.name
    # every button is named by its choice and centre, the first has no 上移, the last no 下移
    ups = re.findall(r'value="up"[^>]*>上移<span class="visually-hidden">([^<]*)</span>', html)
    downs = re.findall(r'value="down"[^>]*>下移<span class="visually-hidden">([^<]*)</span>', html)
    assert len(ups) == 2 and len(downs) == 2
    assert all(centre in label and "林小满" in label for label in ups + downs)
    assert "志愿 2" in ups[0] and "志愿 1" in downs[0]
    assert html.count('name="csrf_token"') >= 4
    assert "js/waits.js" in html and "<script>" not in html


def test_the_page_moves_a_wait_without_javascript(client, fam):
    parent, kid = fam
    a, b, c = join_all(full_slots(3), kid, parent)
    login(client, parent)
    resp = client.post(f"/waitlist/{c.id}/move", data={"direction": "up"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/waitlist#child-{kid.id}")
    assert [e.id for e in ranking.live_waits([kid.id])[kid.id]] == [a.id, c.id, b.id]
    html = client.get("/waitlist").get_data(as_text=True)
    assert "林小满 的志愿顺序已更新" in html
    resp = client.post(f"/waitlist/{a.id}/move", data={"direction": "sideways"},
                       follow_redirects=True)
    assert "请选择上移或下移" in resp.get_data(as_text=True)


def test_the_page_saves_a_whole_order(client, fam):
    parent, kid = fam
    a, b, c = join_all(full_slots(3), kid, parent)
    login(client, parent)
    resp = client.post(f"/children/{kid.id}/waits",
                       data={"entry_ids": [str(c.id), str(b.id), str(a.id)]})
    assert resp.status_code == 303
    assert ranks([c, b, a]) == [1, 2, 3]
    resp = client.post(f"/children/{kid.id}/waits", data={"entry_ids": [str(a.id)]},
                       follow_redirects=True)
    assert "请按想要的顺序列出这个孩子的全部候补" in resp.get_data(as_text=True)
    assert ranks([c, b, a]) == [1, 2, 3]


def test_the_page_refuses_strangers_and_staff(client, fam):
    parent, kid = fam
    a, b = join_all(full_slots(2), kid, parent)
    stranger = f.user()
    login(client, stranger)
    assert client.post(f"/waitlist/{b.id}/move", data={"direction": "up"}).status_code == 404
    assert client.post(f"/children/{kid.id}/waits",
                       data={"entry_ids": [str(b.id), str(a.id)]}).status_code == 404
    client.post("/logout")
    staff = f.user("staff", centre_id=fresh(a).slot.centre_id)
    login(client, staff)
    assert client.post(f"/waitlist/{b.id}/move", data={"direction": "up"}).status_code == 403
    assert ranks([a, b]) == [1, 2]


def test_the_page_in_english(client, fam):
    parent, kid = fam
    join_all(full_slots(2), kid, parent)
    login(client, parent)
    html = client.get("/waitlist?lang=en").get_data(as_text=True)
    assert "Choice 1" in html and "At most 5 choices; 2 used." in html
    assert "Move up" in html and "Move down" in html
