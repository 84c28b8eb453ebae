"""The filing state machine and closure handling."""
from datetime import date

import pytest

from booking.audit.models import Notification
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.regulator import filing
from booking.regulator.closure import refresh_states
from booking.regulator.models import ClosureCase
from booking.reservations import services as reservations
from booking.rosters.models import StaffMember
from booking.waitlists import services as waitlists
from tests import factories as f

COMPLETE = dict(legal_entity_cert_no="52610000MJ0000001X", premises="长安路1号 600 平方米",
                fire_safety_ref="西雁消验字〔2026〕12号", health_evaluation_ref="WSPJ-2026-88",
                food_licence_ref=None, commitment_signed=True)


@pytest.fixture
def draft(db):
    d = f.district()
    c = f.centre(d, approved=False)
    staff = f.user("staff", centre_id=c.id)
    db.session.add(StaffMember(centre_id=c.id, name="李娜", role="childcare_worker",
                               qualification_level=3, certificate_no="BYS-3-0001",
                               health_cert_expires_on=date(2027, 6, 1)))
    db.session.commit()
    regulator = f.user("regulator", district_id=d.id)
    return c, staff, regulator


def test_draft_to_approved_with_number(draft):
    c, staff, regulator = draft
    with pytest.raises(ValidationFailed) as err:
        filing.submit(c.filing.id, staff)
    assert "fire_safety_ref" in err.value.errors
    filing.save_draft(c.filing, staff, **COMPLETE)
    filing.submit(c.filing.id, staff)
    assert c.filing.status == "submitted"
    with pytest.raises(Conflict):  # submitted filings are not edited
        filing.save_draft(c.filing, staff, premises="x")
    filing.decide(c.filing.id, regulator, "approve")
    assert c.filing.status == "approved" and c.filing.filing_number.startswith(c.district.code)


def test_return_needs_reasons_then_resubmit(draft):
    c, staff, regulator = draft
    filing.save_draft(c.filing, staff, **COMPLETE)
    filing.submit(c.filing.id, staff)
    with pytest.raises(ValidationFailed):
        filing.decide(c.filing.id, regulator, "return", "")
    filing.decide(c.filing.id, regulator, "return", "卫生评价报告过期")
    assert c.filing.status == "returned" and c.filing.return_reasons == "卫生评价报告过期"
    filing.submit(c.filing.id, staff)
    assert c.filing.status == "submitted" and c.filing.return_reasons is None


@pytest.mark.parametrize("action", ["approve", "return", "suspend", "reinstate", "close"])
def test_illegal_moves_from_draft_are_refused(draft, action):
    c, _staff, regulator = draft
    with pytest.raises((Conflict, ValidationFailed)):
        filing.decide(c.filing.id, regulator, action, "理由")
    assert c.filing.status == "draft"


def test_other_districts_regulator_cannot_decide(draft):
    c, staff, _ = draft
    filing.save_draft(c.filing, staff, **COMPLETE)
    filing.submit(c.filing.id, staff)
    outsider = f.user("regulator", district_id=f.district().id)
    with pytest.raises(NotFound):
        filing.decide(c.filing.id, outsider, "approve")


def test_closure_leaves_every_family_with_notice_and_state(db):
    d = f.district()
    c = f.centre(d)
    s = f.slot(c, capacity=3)
    regulator = f.user("regulator")
    parents = [f.user() for _ in range(3)]
    kids = [f.child(p) for p in parents]
    holds = [reservations.place_hold(slot_id=s.id, child_id=k.id, parent=p)
             for p, k in zip(parents, kids)]
    holds[0].status = "enrolled"
    db.session.commit()
    filing.decide(c.filing.id, regulator, "close", "消防隐患")
    assert c.filing.status == "closed"
    cases = db.session.scalars(db.select(ClosureCase)).all()
    assert sorted(x.child_id for x in cases) == sorted(k.id for k in kids)
    assert all(x.state == "affected" for x in cases)
    for p in parents:
        assert db.session.scalar(db.select(Notification).where(
            Notification.user_id == p.id, Notification.kind == "centre_closed"))
    assert {r.status for r in holds} == {"withdrawn", "cancelled"}
    # the family picks another centre: top tier there (应急转托)
    other = f.centre(d)
    s2 = f.slot(other, capacity=0)
    entry = waitlists.join(slot_id=s2.id, child_id=kids[1].id, parent=parents[1])[0]
    assert entry.tier == "closure_transfer" and entry.priority == 1
    # placed once enrolled elsewhere
    from booking.reservations.models import Reservation
    db.session.add(Reservation(slot_id=s2.id, child_id=kids[1].id, parent_id=parents[1].id,
                               status="enrolled"))
    db.session.commit()
    states = {x.child_id: x.state for x in refresh_states(c.id)}
    assert states[kids[1].id] == "placed" and states[kids[0].id] == "affected"
