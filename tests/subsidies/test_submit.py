"""The director submits; nobody else does, and only a draft or returned claim."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.errors import Conflict, Forbidden, NotFound
from booking.extensions import db
from booking.subsidies import claims
from booking.subsidies.jobs import generate_last_month, generate_month
from booking.subsidies.models import SubsidyClaim
from booking.subsidies.receivables import receivables
from tests import factories as f
from tests.subsidies.conftest import OCT, enrol, make_world


def test_the_director_submits_once(city_world):
    w = city_world("白银")
    enrol(w)
    claim, _ = claims.generate(w.centre.id, OCT)
    claims.submit(claim.id, w.director)
    claim = db.session.get(SubsidyClaim, claim.id)
    assert (claim.status, claim.submitted_by) == ("submitted", w.director.id)
    assert claim.submitted_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subsidy_claim.submitted"))
    assert event.actor_id == w.director.id and event.entity_id == claim.id
    with pytest.raises(Conflict):
        claims.submit(claim.id, w.director)


@pytest.mark.parametrize("who", ["carer", "finance"])
def test_other_staff_of_the_centre_may_not_submit(city_world, who):
    w = city_world("白银")
    claim, _ = claims.generate(w.centre.id, OCT)
    with pytest.raises(Forbidden):
        claims.submit(claim.id, getattr(w, who))
    assert db.session.get(SubsidyClaim, claim.id).status == "draft"


def test_another_centres_director_finds_no_claim(city_world):
    w = city_world("白银")
    claim, _ = claims.generate(w.centre.id, OCT)
    other = f.centre(w.district)
    stranger = f.user("staff", centre_id=other.id, staff_role="director")
    with pytest.raises(NotFound):
        claims.submit(claim.id, stranger)
    with pytest.raises(NotFound):
        claims.submit(claim.id + 99, w.director)
    assert db.session.get(SubsidyClaim, claim.id).status == "draft"


def test_the_job_drafts_last_month_for_paying_cities_only_once(app):
    baiyin = make_world("白银")
    alar = make_world("阿拉尔")
    enrol(baiyin)
    enrol(alar)
    assert generate_last_month() == 1
    assert generate_last_month() == 0          # already drafted: nothing written again
    rows = db.session.scalars(select(SubsidyClaim)).all()
    assert [(c.centre_id, c.month, c.total_fen) for c in rows] == [(baiyin.centre.id, OCT, 20000)]
    claims.submit(rows[0].id, baiyin.director)
    assert generate_month(OCT) == (0, 1)        # a submitted claim is left as it is


def test_the_cli_generates_a_month(app, runner):
    w = make_world("白银")
    enrol(w)
    result = runner.invoke(args=["subsidies", "generate", "--month", OCT])
    assert result.exit_code == 0, result.output
    assert "generated 1" in result.output
    result = runner.invoke(args=["subsidies", "generate", "--month", "2026-11"])
    assert result.exit_code != 0 and db.session.scalar(
        select(SubsidyClaim.id).where(SubsidyClaim.month == "2026-11")) is None


def test_receivables_add_up_the_approved_claims(city_world):
    w = city_world("白银")
    for month, fen in (("2026-08", 20000), ("2026-09", 18000)):
        db.session.add(SubsidyClaim(centre_id=w.centre.id, month=month, status="approved",
                                    operating_fen=fen, total_fen=fen, approved_fen=fen,
                                    decided_at=datetime(2026, 10, 5, tzinfo=timezone.utc)))
    db.session.add(SubsidyClaim(centre_id=w.centre.id, month=OCT, status="submitted",
                                operating_fen=5, total_fen=5))
    db.session.commit()
    rows = receivables(w.centre.id)
    assert [(r.month, r.approved_fen, r.running_fen) for r in rows] == \
        [("2026-08", 20000, 20000), ("2026-09", 18000, 38000)]
    assert receivables(f.centre(w.district).id) == []

