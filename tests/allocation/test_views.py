"""Allocation rounds in the browser: the regulator sets a round up and draws it, families apply
and answer on the round's page, centres see their slots' results; refusals re-render with the
family's input kept, and nobody sees what is not theirs."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking import clock
from booking.allocation import applications, rounds
from booking.allocation.models import Application, Round
from booking.extensions import db
from booking.reservations.models import Reservation
from tests import factories as f
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("app")


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def local(moment):
    return moment.astimezone(clock.LOCAL).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def setup():
    d = f.district()
    reg = f.user("regulator", district_id=d.id)
    c = f.centre(d, name="星星托育")
    a, b = f.slot(c, capacity=1), f.slot(c, capacity=1, category="affordable")
    return reg, c, a, b


def test_a_regulator_creates_opens_and_draws_a_round_in_the_browser(client, setup):
    reg, c, a, b = setup
    login(client, reg)
    page = client.get("/regulator/rounds")
    assert page.status_code == 200 and "星星托育" in page.get_data(as_text=True)
    resp = client.post("/regulator/rounds", data={
        "name": "2027 春季", "slot_ids": [a.id, b.id], "opens_at": local(NOW),
        "closes_at": local(NOW + timedelta(days=3)), "max_choices": "2", "offer_days": "5",
        "tiers": ["sibling", "second_third_child"]})
    assert resp.status_code == 303, resp.get_data(as_text=True)
    rnd = db.session.scalars(select(Round)).one()
    assert rnd.opens_at == NOW.replace(second=0) and rnd.max_choices == 2
    assert json.loads(rnd.tiers) == ["sibling", "second_third_child", "everyone"]
    client.post(f"/regulator/rounds/{rnd.id}/open")
    db.session.expire_all()
    assert db.session.get(Round, rnd.id).status == "open"
    page = client.get(f"/regulator/rounds/{rnd.id}").get_data(as_text=True)
    assert "提前截止申请" in page
    client.post(f"/regulator/rounds/{rnd.id}/close")
    client.post(f"/regulator/rounds/{rnd.id}/draw")
    db.session.expire_all()
    assert db.session.get(Round, rnd.id).status == "drawn"


def test_a_bad_round_re_renders_with_the_messages_and_the_input_kept(client, setup):
    reg, c, a, b = setup
    login(client, reg)
    resp = client.post("/regulator/rounds", data={
        "name": "春季", "slot_ids": [a.id], "opens_at": local(NOW), "closes_at": local(NOW),
        "max_choices": "11", "offer_days": "5"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "志愿数应在 1 到 10 之间" in html and 'value="春季"' in html
    assert db.session.scalar(select(Round.id)) is None


def test_a_family_applies_re_ranks_and_answers_on_a_phone_page(client, setup):
    reg, c, a, b = setup
    rnd = rounds.create_round(reg, name="春季", slot_ids=[a.id, b.id], opens_at=NOW,
                              closes_at=NOW + timedelta(days=3))
    rounds.open_round(rnd.id, reg)
    parent = f.user()
    kid = f.child(parent, name="小满")
    login(client, parent)
    # From the centre page: the slot says it is given out by the round.
    centre_page = client.get(f"/centres/{c.id}").get_data(as_text=True)
    assert "参加统一派位" in centre_page
    form = client.get(f"/rounds/{rnd.id}/apply?slot={a.id}").get_data(as_text=True)
    assert f'<option selected value="{a.id}">' in form or f'value="{a.id}" selected' in form
    # A repeated slot is refused by the service, shown on the form, nothing stored.
    bad = client.post(f"/rounds/{rnd.id}/apply", data={
        "child_id": kid.id, "choice_1": a.id, "choice_2": a.id, "tier": ""})
    assert bad.status_code == 422 and "同一个托位只能填报一次" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Application.id)) is None
    ok = client.post(f"/rounds/{rnd.id}/apply", data={
        "child_id": kid.id, "choice_1": a.id, "choice_2": b.id, "tier": ""})
    assert ok.status_code == 303
    app = db.session.scalars(select(Application)).one()
    client.post(f"/rounds/{rnd.id}/applications/{app.id}", data={
        "choice_1": b.id, "choice_2": a.id})
    db.session.expire_all()
    assert db.session.get(Application, app.id).choice_ids == [b.id, a.id]
    page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert "修改志愿" in page and "小满" in page
    rounds.close_round(rnd.id, reg)
    from booking.allocation import drawing
    drawing.draw_round(rnd.id, reg)
    page = client.get(f"/rounds/{rnd.id}").get_data(as_text=True)
    assert "第 1 志愿：录取" in page and "接受这个托位" in page
    client.post(f"/rounds/{rnd.id}/applications/{app.id}/accept")
    db.session.expire_all()
    assert db.session.get(Application, app.id).status == "accepted"
    # A second accept is refused with a message, not an error page.
    again = client.post(f"/rounds/{rnd.id}/applications/{app.id}/accept", follow_redirects=True)
    assert again.status_code == 200 and "没有待答复" in again.get_data(as_text=True)


def test_results_are_public_without_names_and_downloadable(client, setup):
    reg, c, a, b = setup
    rnd = rounds.create_round(reg, name="春季", slot_ids=[a.id, b.id], opens_at=NOW,
                              closes_at=NOW + timedelta(days=3))
    rounds.open_round(rnd.id, reg)
    parent = f.user()
    kid = f.child(parent, name="独一无二的名字")
    applications.apply(rnd.id, parent, child_id=kid.id, choices=[a.id])
    assert client.get(f"/rounds/{rnd.id}/results").status_code == 404
    rounds.close_round(rnd.id, reg)
    from booking.allocation import drawing
    drawing.draw_round(rnd.id, reg)
    page = client.get(f"/rounds/{rnd.id}/results").get_data(as_text=True)
    assert "独一无二的名字" not in page and parent.email not in page
    assert rnd.seed_sha256 in page
    doc = client.get(f"/rounds/{rnd.id}/publication.json")
    assert doc.headers["Content-Disposition"].startswith("attachment")
    from booking.allocation.draw import verify
    assert verify(json.loads(doc.get_data(as_text=True))) == []


def test_drafts_and_management_stay_with_the_regulator_of_the_slots(client, setup):
    reg, c, a, b = setup
    rnd = rounds.create_round(reg, name="草稿", slot_ids=[a.id], opens_at=NOW,
                              closes_at=NOW + timedelta(days=3))
    assert client.get(f"/rounds/{rnd.id}").status_code == 404
    other = f.user("regulator", district_id=f.district().id)
    login(client, other)
    assert client.get(f"/regulator/rounds/{rnd.id}").status_code == 404
    client.post(f"/regulator/rounds/{rnd.id}/open")
    db.session.expire_all()
    assert db.session.get(Round, rnd.id).status == "draft"
    client.get("/logout")
    parent = f.user()
    login(client, parent)
    assert client.get("/regulator/rounds").status_code == 403


def test_the_centre_sees_its_slots_results_and_checks_evidence(client, setup):
    reg, c, a, b = setup
    director = f.user("staff", centre_id=c.id)
    rnd = rounds.create_round(reg, name="春季", slot_ids=[a.id, b.id], opens_at=NOW,
                              closes_at=NOW + timedelta(days=3))
    rounds.open_round(rnd.id, reg)
    parent = f.user()
    kid = f.child(parent)
    app = applications.apply(rnd.id, parent, child_id=kid.id, choices=[a.id],
                             tier="employer_staff", evidence="某单位职工")
    login(client, director)
    page = client.get("/staff/rounds").get_data(as_text=True)
    assert "某单位职工" in page and "核验通过" in page
    client.post(f"/rounds/applications/{app.id}/evidence", data={"accepted": "1"})
    db.session.expire_all()
    assert db.session.get(Application, app.id).tier == "employer_staff"
    assert db.session.scalar(select(Reservation.id)) is None
