"""The regulator's decision: per role and scope, per state, with its audit event; a refusal
changes nothing."""
import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.errors import Conflict, Forbidden, NotFound, ValidationFailed
from booking.subsidies import decisions
from booking.subsidies.models import SubsidyClaim
from tests.subsidy_review.conftest import login, make_claim, text


def _events(db, action=None):
    stmt = select(func.count(AuditEvent.id))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.session.scalar(stmt)


def _state(db, claim_id):
    db.session.expire_all()
    c = db.session.get(SubsidyClaim, claim_id)
    return c.status, c.approved_fen, c.decided_by, c.decision_reason


def test_district_regulator_approves_the_total_by_default(db, world, clean_claim):
    c = decisions.approve(clean_claim.id, world["regulator"])
    assert (c.status, c.approved_fen, c.decided_by) == ("approved", 103000,
                                                        world["regulator"].id)
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subsidy_claim.approved"))
    assert ev.entity_id == c.id and ev.centre_id == world["centre"].id
    assert ev.actor_id == world["regulator"].id


def test_approve_less_than_the_total_and_city_and_admin_may_decide(db, world, clean_claim):
    assert decisions.approve(clean_claim.id, world["city_regulator"], 90000).approved_fen == 90000
    other = make_claim(world["centre2"], lines=[{"child_id": world["kids"][2].id,
                                                  "operating_fen": 40000}])
    assert decisions.reject(other.id, world["admin"], "材料不实").status == "rejected"


@pytest.mark.parametrize("amount", [103001, -1, "12"])
def test_bad_amount_is_422_and_nothing_changes(db, world, clean_claim, amount):
    before = _events(db)
    with pytest.raises(ValidationFailed) as err:
        decisions.approve(clean_claim.id, world["regulator"], amount)
    assert "amount_fen" in err.value.errors
    assert _state(db, clean_claim.id) == ("submitted", None, None, None)
    assert _events(db) == before


@pytest.mark.parametrize("fn", [decisions.return_claim, decisions.reject])
@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_return_or_reject_needs_a_reason(db, world, clean_claim, fn, reason):
    before = _events(db)
    with pytest.raises(ValidationFailed) as err:
        fn(clean_claim.id, world["regulator"], reason)
    assert "reason" in err.value.errors
    assert _state(db, clean_claim.id) == ("submitted", None, None, None)
    assert _events(db) == before


def test_returned_with_its_reason_and_audit(db, world, clean_claim):
    c = decisions.return_claim(clean_claim.id, world["regulator"], "  出勤天数与考勤不符  ")
    assert (c.status, c.decision_reason, c.approved_fen) == ("returned", "出勤天数与考勤不符", None)
    assert _events(db, "subsidy_claim.returned") == 1


def test_only_a_submitted_claim_is_decided(db, world, clean_claim):
    decisions.approve(clean_claim.id, world["regulator"])
    before = _events(db)
    for call in (lambda: decisions.approve(clean_claim.id, world["regulator"]),
                 lambda: decisions.reject(clean_claim.id, world["regulator"], "再拒")):
        with pytest.raises(Conflict):
            call()
    draft = make_claim(world["centre2"], status="draft")
    with pytest.raises(Conflict):
        decisions.return_claim(draft.id, world["regulator"], "理由")
    assert _state(db, clean_claim.id)[0:2] == ("approved", 103000)
    assert _events(db) == before


def test_scope_and_role(db, world, clean_claim):
    with pytest.raises(NotFound):
        decisions.approve(clean_claim.id, world["far_regulator"])
    with pytest.raises(NotFound):
        decisions.approve(99999, world["regulator"])
    for who in ("parent", "director"):
        with pytest.raises(Forbidden):
            decisions.approve(clean_claim.id, world[who])
    assert _state(db, clean_claim.id) == ("submitted", None, None, None)


def test_pages_list_detail_and_decide(client, db, world, clean_claim):
    login(client, world["regulator"])
    page = text(client.get("/regulator/subsidies"))
    assert "阳光托育" in page and "2026-10" in page
    assert f"/regulator/subsidies/{clean_claim.id}" in page
    home = text(client.get("/home"))
    assert "1 份申领待审核" in home and "/regulator/subsidies?status=submitted" in home
    detail = client.get(f"/regulator/subsidies/{clean_claim.id}")
    assert detail.status_code == 200 and "小明" in text(detail)
    resp = client.post(f"/regulator/subsidies/{clean_claim.id}/return", data={"ret-reason": ""})
    assert resp.status_code == 422 and "请说明理由" in text(resp)
    assert _state(db, clean_claim.id)[0] == "submitted"
    resp = client.post(f"/regulator/subsidies/{clean_claim.id}/approve", data={"amount": "1030.01"})
    assert resp.status_code == 422
    resp = client.post(f"/regulator/subsidies/{clean_claim.id}/approve", data={"amount": "900"})
    assert resp.status_code == 302
    assert _state(db, clean_claim.id)[0:2] == ("approved", 90000)
    again = client.post(f"/regulator/subsidies/{clean_claim.id}/reject", data={"rej-reason": "x"})
    assert again.status_code == 409


def test_pages_refuse_other_roles_and_scopes(client, db, world, clean_claim):
    login(client, world["far_regulator"])
    assert client.get(f"/regulator/subsidies/{clean_claim.id}").status_code == 404
    assert client.post(f"/regulator/subsidies/{clean_claim.id}/approve",
                       data={}).status_code == 404
    assert "阳光托育" not in text(client.get("/regulator/subsidies"))
    client.post("/logout")
    login(client, world["director"])
    assert client.get("/regulator/subsidies").status_code == 403
    assert client.post(f"/regulator/subsidies/{clean_claim.id}/approve",
                       data={}).status_code == 403
    assert _state(db, clean_claim.id)[0] == "submitted"


def test_the_centre_directors_are_told(db, world, clean_claim):
    from booking.audit.models import Notification
    from booking.audit.render import render_notification
    decisions.return_claim(clean_claim.id, world["regulator"], "出勤天数与考勤不符")
    [note] = db.session.scalars(select(Notification).where(
        Notification.kind == "subsidy_claim_decided")).all()
    assert note.user_id == world["director"].id
    title, body = render_notification(note)
    assert "2026-10" in title and "出勤天数与考勤不符" in body
