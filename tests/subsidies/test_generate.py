"""A claim computed against hand-worked examples for each seeded city's rates (docs/subsidies.md,
"Centre subsidies and claims"). October 2026: 31 days, 18 working days."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent
from booking.errors import Conflict, ValidationFailed
from booking.extensions import db
from booking.fees.services import post_monthly_charges
from booking.regulator.models import Filing
from booking.slots.models import Slot
from booking.subsidies import claims
from booking.subsidies.models import SubsidyClaim, SubsidyClaimLine
from tests import factories as f
from tests.subsidies.conftest import OCT, OCT_1, attend, enrol, open_days, version


def lines_of(claim):
    return {line.child_id: line for line in db.session.scalars(
        select(SubsidyClaimLine).where(SubsidyClaimLine.claim_id == claim.id))}


def test_baiyin_full_month_and_a_child_starting_on_the_10th(city_world):
    w = city_world("白银")
    full, _r1 = enrol(w)
    late, _r2 = enrol(w, on=date(2026, 10, 10))
    claim, made = claims.generate(w.centre.id, OCT, actor=w.director)
    assert made and claim.status == "draft"
    lines = lines_of(claim)
    assert lines[full.id].operating_fen == 20000
    assert lines[full.id].days_enrolled == 31 and lines[full.id].open_days == 18
    # 20000 × 22 ÷ 31 = 14193.55 → 14194
    assert lines[late.id].operating_fen == 14194
    assert lines[late.id].days_enrolled == 22 and lines[late.id].open_days == 16
    assert claim.operating_fen == 34194 and claim.total_fen == 34194
    assert claim.construction_places == 0 and claim.sibling_reward_fen == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subsidy_claim.generated"))
    assert event.entity_id == claim.id and event.centre_id == w.centre.id


def test_a_child_not_on_an_affordable_place_earns_no_operating_subsidy(city_world):
    w = city_world("白银", category="public")
    enrol(w)
    claim, _ = claims.generate(w.centre.id, OCT)
    assert lines_of(claim) == {} and claim.total_fen == 0


def test_a_child_who_left_in_september_is_not_claimed(city_world):
    w = city_world("白银")
    _kid, r = enrol(w)
    r.status, r.leaves_on = "withdrawn", date(2026, 9, 30)
    db.session.commit()
    claim, _ = claims.generate(w.centre.id, OCT)
    assert lines_of(claim) == {}


@pytest.mark.parametrize("attended, expected", [(8, 0), (9, 30000), (18, 30000)])
def test_dalian_pays_only_at_half_the_open_days(city_world, attended, expected):
    w = city_world("大连")
    kid, r = enrol(w)
    days = open_days(OCT_1, date(2026, 10, 31))
    assert len(days) == 18
    attend(r, days[:attended])
    attend(r, days[attended:attended + 2], absent=True)   # marked absent: not attended
    claim, _ = claims.generate(w.centre.id, OCT)
    line = lines_of(claim)[kid.id]
    assert (line.days_attended, line.open_days, line.operating_fen) == (attended, 18, expected)
    assert claim.total_fen == expected


def test_beijing_rate_change_on_the_16th(city_world):
    w = city_world("北京")
    version("北京", date(2026, 10, 16), operating_subsidy_fen=50000)
    kid, _r = enrol(w)
    claim, _ = claims.generate(w.centre.id, OCT)
    # 40000 × 15 ÷ 31 + 50000 × 16 ÷ 31 = 1400000 ÷ 31 = 45161.29 → 45161
    assert lines_of(claim)[kid.id].operating_fen == 45161


def test_xian_repays_half_the_sibling_reduction_the_ledger_shows(city_world):
    w = city_world("西安", category="public", fee=180000)
    elder, _r1 = enrol(w, birth_date=date(2024, 1, 1))
    younger, _r2 = enrol(w, birth_date=date(2025, 6, 1))
    late, _r3 = enrol(w, birth_date=date(2025, 8, 1), on=date(2026, 10, 10))
    post_monthly_charges(OCT)
    claim, _ = claims.generate(w.centre.id, OCT)
    lines = lines_of(claim)
    assert elder.id not in lines     # first child, public place: nothing to claim
    # second child: 10 % of 1800 yuan = 18000 fen; half of it
    assert (lines[younger.id].sibling_reduction_fen, lines[younger.id].sibling_reward_fen) == \
        (18000, 9000)
    # third child from the 10th: 20 % = 36000, × 22 ÷ 31 = 25548.39 → 25548; half 12774
    assert (lines[late.id].sibling_reduction_fen, lines[late.id].sibling_reward_fen) == \
        (25548, 12774)
    assert lines[late.id].operating_fen == 0
    assert claim.sibling_reward_fen == 21774 and claim.total_fen == 21774


def test_alar_pays_no_centre_subsidy_so_nothing_is_claimed(city_world):
    w = city_world("阿拉尔")
    enrol(w)
    with pytest.raises(ValidationFailed):
        claims.generate(w.centre.id, OCT)
    assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 0


def test_construction_places_of_a_centre_approved_in_the_month(city_world):
    w = city_world("白银")
    filing = db.session.scalar(select(Filing).where(Filing.centre_id == w.centre.id))
    filing.decided_at = datetime(2026, 10, 12, 2, tzinfo=timezone.utc)
    f.slot(w.centre, category="public", capacity=5, starts_on=date(2026, 10, 20))
    later = f.slot(w.centre, capacity=7, starts_on=date(2026, 12, 1))
    for s in db.session.scalars(select(Slot).where(Slot.centre_id == w.centre.id)):
        s.created_at = datetime(2026, 10, 15, 2, tzinfo=timezone.utc)
    later.created_at = datetime(2026, 11, 2, 2, tzinfo=timezone.utc)   # after the month
    db.session.commit()
    claim, _ = claims.generate(w.centre.id, OCT)
    assert (claim.construction_places, claim.construction_fen) == (15, 15_000_000)
    assert claim.total_fen == 15_000_000
    # the month after the approval: no construction
    assert claims.construction(w.centre, date(2026, 9, 1)) == (0, 0)


def test_the_audit_logs_first_approval_wins_over_a_later_decision(city_world):
    w = city_world("白银")
    from booking.audit.services import record
    filing = db.session.scalar(select(Filing).where(Filing.centre_id == w.centre.id))
    record("filing.approve", filing, centre_id=w.centre.id,
           at=datetime(2026, 10, 3, 2, tzinfo=timezone.utc))
    db.session.commit()
    assert claims.approval_day(w.centre.id) == date(2026, 10, 3)


def test_this_month_and_a_bad_month_are_refused(city_world):
    w = city_world("白银")
    for month in ("2026-11", "2026-12", "2026-1", "abc"):
        with pytest.raises(ValidationFailed):
            claims.generate(w.centre.id, month)
    assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 0


def test_regenerating_replaces_the_lines_and_a_submitted_claim_is_refused(city_world):
    w = city_world("白银")
    kid, r = enrol(w)
    claim, made = claims.generate(w.centre.id, OCT)
    assert made
    r.status, r.leaves_on = "withdrawn", date(2026, 10, 15)
    db.session.commit()
    again, made = claims.generate(w.centre.id, OCT)
    assert again.id == claim.id and not made
    lines = lines_of(again)
    assert len(lines) == 1 and lines[kid.id].operating_fen == 9677   # 20000 × 15 ÷ 31
    claims.submit(claim.id, w.director)
    with pytest.raises(Conflict):
        claims.generate(w.centre.id, OCT)
    assert lines_of(db.session.get(SubsidyClaim, claim.id))[kid.id].operating_fen == 9677


def test_a_returned_claim_may_be_regenerated(city_world):
    w = city_world("白银")
    enrol(w)
    claim, _ = claims.generate(w.centre.id, OCT)
    claim.status, claim.decision_reason = "returned", "出勤记录不全"
    db.session.commit()
    again, _ = claims.generate(w.centre.id, OCT)
    assert again.status == "returned" and again.total_fen == 20000


def test_the_monthly_charge_keeps_the_reduction_granted(city_world):
    from booking.fees.models import LedgerEntry
    w = city_world("西安", category="public", fee=180000)
    enrol(w, birth_date=date(2024, 1, 1))
    _kid, second = enrol(w, birth_date=date(2025, 6, 1), on=date(2026, 10, 10))
    post_monthly_charges(OCT)
    rows = {e.reservation_id: (e.amount_fen, e.reduction_fen) for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.kind == "charge"))}
    # 1800 yuan less 10 % = 1620 yuan, for 22 of 31 days: 162000 × 22 ÷ 31 = 114967.74 → 114968;
    # the reduction 18000 × 22 ÷ 31 = 12774.19 → 12774
    assert rows[second.id] == (114968, 12774)
    assert sorted(rows.values())[-1] == (180000, 0)
