"""Operators (docs/operators.md): the credit code, one current operator per centre with its
history, scope, the public pages, the operator-wide decision (all or none), audit, the API."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.extensions import db
from booking.operators import closure, services
from booking.operators.credit_code import check_character, is_valid, normalise
from booking.operators.models import CentreOperator
from booking.regulator import closure as centre_closure
from tests import factories as f


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L",
                                  "91440300708461136T"])
def test_published_codes_are_valid(code):
    assert is_valid(code)


@pytest.mark.parametrize("code", ["91350100M000100Y44",   # wrong check character
                                  "91350100M000100Y4",    # 17 characters
                                  "9135010OM000100Y43",   # O is not in the alphabet
                                  "913501A0M000100Y43"])  # the area code is digits
def test_malformed_codes_are_refused(code):
    assert not is_valid(code)


def test_check_character_and_normalising():
    assert check_character("91350100M000100Y4") == "3"
    assert normalise(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.fixture
def world(app, db):
    a, b = f.district(), f.district()
    c1, c2, c3 = f.centre(a), f.centre(a), f.centre(b)
    return {"a": a, "b": b, "c1": c1, "c2": c2, "c3": c3, "admin": f.user("admin"),
            "reg_a": f.user("regulator", district_id=a.id),
            "reg_b": f.user("regulator", district_id=b.id)}


def test_create_refuses_a_bad_or_taken_code(world):
    with pytest.raises(ValidationFailed) as err:
        services.create_operator(world["admin"], name="甲", credit_code="91350100M000100Y44",
                                 legal_representative="张三", district=world["a"].code)
    assert "credit_code" in err.value.errors
    f.operator(world["a"], code="91350100M000100Y43")
    with pytest.raises(Conflict):
        services.create_operator(world["admin"], name="乙", credit_code="91350100m000100y43",
                                 legal_representative="张三", district=world["a"].code)


def test_a_regulator_registers_only_in_its_district(world):
    with pytest.raises(ValidationFailed) as err:
        services.create_operator(world["reg_a"], name="甲", credit_code=f.credit_code(),
                                 legal_representative="张三", district=world["b"].code)
    assert "district" in err.value.errors
    op = services.create_operator(world["reg_a"], name="甲", credit_code=f.credit_code(),
                                  legal_representative="张三", district=world["a"].code)
    assert op.district_id == world["a"].id


def test_relinking_ends_the_current_link_the_day_before(world):
    one = f.operator(world["a"], centres=[world["c1"]], from_date=date(2026, 1, 1))
    two = f.operator(world["a"])
    services.link_centre(world["reg_a"], two.id, world["c1"].id, date(2026, 6, 1))
    rows = db.session.scalars(select(CentreOperator).where(
        CentreOperator.centre_id == world["c1"].id).order_by(CentreOperator.id)).all()
    assert [(r.operator_id, r.from_date, r.to_date) for r in rows] == [
        (one.id, date(2026, 1, 1), date(2026, 5, 31)), (two.id, date(2026, 6, 1), None)]
    with pytest.raises(Conflict):
        services.link_centre(world["reg_a"], two.id, world["c1"].id, date(2026, 7, 1))
    with pytest.raises(ValidationFailed):  # not after the current start
        services.link_centre(world["reg_a"], one.id, world["c1"].id, date(2026, 6, 1))
    with pytest.raises(ValidationFailed):  # a later day than today
        services.link_centre(world["reg_a"], one.id, world["c1"].id, date(2027, 6, 1))
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.centre_id == world["c1"].id, AuditEvent.action.like("centre.operator%"))
        .order_by(AuditEvent.id)).all()
    assert actions == ["centre.operator_linked", "centre.operator_unlinked",
                       "centre.operator_linked"]


def test_the_database_holds_one_current_link_per_centre(world):
    one, two = f.operator(world["a"], centres=[world["c1"]]), f.operator(world["a"])
    db.session.add(CentreOperator(centre_id=world["c1"].id, operator_id=two.id,
                                  from_date=date(2026, 2, 1)))
    with pytest.raises(Exception):
        db.session.flush()
    db.session.rollback()
    assert one.id


def test_unlink(world):
    op = f.operator(world["a"], centres=[world["c1"]])
    with pytest.raises(NotFound):
        services.unlink_centre(world["reg_b"], op.id, world["c1"].id)
    services.unlink_centre(world["reg_a"], op.id, world["c1"].id)
    assert db.session.scalar(select(CentreOperator.to_date)) is not None
    with pytest.raises(NotFound):
        services.unlink_centre(world["reg_a"], op.id, world["c1"].id)


def test_scope_other_district_is_404(world, client):
    op = f.operator(world["a"], centres=[world["c1"]])
    with pytest.raises(NotFound):
        services.link_centre(world["reg_b"], op.id, world["c3"].id)
    login(client, world["reg_b"])
    assert client.get(f"/regulator/operators/{op.id}").status_code == 404
    assert op.name not in client.get("/regulator/operators").get_data(as_text=True)


def test_a_district_sees_only_its_centres_of_an_operator(world, client):
    op = f.operator(world["a"], centres=[world["c1"], world["c3"]])
    login(client, world["reg_b"])
    page = client.get(f"/regulator/operators/{op.id}").get_data(as_text=True)
    assert world["c3"].name in page and world["c1"].name not in page
    listing = client.get("/regulator/operators").get_data(as_text=True)
    assert op.name in listing


def test_registry_and_disclosure_show_the_operator_and_its_other_centres(world, client):
    op = f.operator(world["a"], centres=[world["c1"], world["c2"]], contact_phone="13800001111")
    page = client.get(f"/centres/{world['c1'].id}").get_data(as_text=True)
    assert op.name in page and f"/centres/{world['c2'].id}" in page
    assert "13800001111" not in page
    registry = client.get("/registry").get_data(as_text=True)
    assert op.name in registry and "13800001111" not in registry
    data = client.get("/registry.json").get_json()["items"]
    mine = next(i for i in data if i["id"] == world["c1"].id)["operator_organisation"]
    assert mine["name"] == op.name and mine["other_centres"][0]["id"] == world["c2"].id
    assert "13800001111" not in client.get("/registry.json").get_data(as_text=True)
    csv = client.get("/registry.csv").data.decode("utf-8-sig")
    assert "operator_credit_code" in csv and op.credit_code in csv and "13800001111" not in csv


def test_filing_pages_show_the_operator(world, client):
    op = f.operator(world["a"], centres=[world["c1"]])
    login(client, world["reg_a"])
    assert op.credit_code in client.get(
        f"/regulator/filings/{world['c1'].filing.id}").get_data(as_text=True)
    director = f.user("staff", centre_id=world["c1"].id, staff_role="director")
    client.post("/logout")
    login(client, director)
    assert op.name in client.get("/staff/filing").get_data(as_text=True)


def _in_care(centre):
    s = f.slot(centre)
    parent = f.user()
    kid = f.child(parent)
    from booking.reservations.models import Reservation
    db.session.add(Reservation(slot_id=s.id, child_id=kid.id, parent_id=parent.id,
                               status="enrolled"))
    db.session.commit()


def test_suspending_all_in_scope(world):
    op = f.operator(world["a"], centres=[world["c1"], world["c2"], world["c3"]])
    _in_care(world["c1"])
    with pytest.raises(ValidationFailed) as err:
        closure.decide_all(op.id, world["reg_a"], "suspend", "消防隐患")
    assert "understood" in err.value.errors
    done = closure.decide_all(op.id, world["reg_a"], "suspend", "消防隐患",
                              effective_on=date(2026, 11, 23), understood=True)
    assert sorted(x.centre_id for x in done) == sorted([world["c1"].id, world["c2"].id])
    db.session.expire_all()
    assert world["c3"].filing.status == "approved"  # another district's
    assert {world["c1"].filing.status, world["c2"].filing.status} == {"suspended"}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "operator.centres_suspended")) == 1
    from booking.regulator.models import ClosureCase
    assert db.session.scalar(select(func.count(ClosureCase.id))) == 1


def test_one_centre_refused_leaves_every_centre_as_it_was(world, monkeypatch):
    op = f.operator(world["a"], centres=[world["c1"], world["c2"]])
    real = centre_closure.end_places
    calls = []

    def failing(centre, *a, **kw):
        calls.append(centre.id)
        if len(calls) == 2:
            raise Conflict("boom")
        return real(centre, *a, **kw)
    monkeypatch.setattr("booking.regulator.filing.end_places", failing)
    with pytest.raises(Conflict):
        closure.decide_all(op.id, world["reg_a"], "close", "理由", understood=True)
    db.session.expire_all()
    assert {world["c1"].filing.status, world["c2"].filing.status} == {"approved"}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.like("filing.%"))) == 0


def test_decide_all_refusals(world):
    op = f.operator(world["a"], centres=[world["c1"]])
    with pytest.raises(ValidationFailed) as err:
        closure.decide_all(op.id, world["reg_a"], "suspend", "", effective_on=date(2026, 12, 1))
    assert set(err.value.errors) == {"reasons", "effective_on"}
    with pytest.raises(NotFound):
        closure.decide_all(op.id, world["reg_b"], "suspend", "理由")
    lonely = f.operator(world["a"])
    with pytest.raises(Conflict):
        closure.decide_all(lonely.id, world["reg_a"], "suspend", "理由")


def test_update_is_audited(world):
    op = f.operator(world["a"])
    services.update_operator(world["reg_a"], op.id, name="新名称")
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "operator.updated"))
    assert "新名称" in ev.after


def login(client, u):
    resp = client.post("/login", data={"login": u.email, "password": f.PASSWORD})
    assert resp.status_code == 302


def test_the_registration_districts_regulators_find_its_audit_events(world):
    from booking.regulator.services import audit_clause
    op = f.operator(world["a"])

    def seen(user):
        return db.session.scalars(select(AuditEvent.action).where(
            audit_clause(user), AuditEvent.entity_type == "operator",
            AuditEvent.entity_id == op.id)).all()
    assert seen(world["reg_a"]) == ["operator.created"]
    assert seen(world["reg_b"]) == []
