"""Versions in force, the one rounding rule over a mid-month change, and add_version's rules:
who may, which days, what values, and that a refusal leaves nothing behind."""
import json
from datetime import date

import pytest
from sqlalchemy import select

from booking.audit.models import AuditEvent
from booking.errors import Conflict, Forbidden, NotFound, ValidationFailed
from booking.extensions import db as _db
from booking.policy import changes
from booking.policy.models import CityPolicy
from booking.policy.services import in_force, monthly_amount
from booking.subsidies.models import SubsidyClaim
from tests.policy.world import DEC_1, counts, world  # noqa: F401


def add(w, day, actor="city_regulator", reason="年度调整", **values):
    return changes.add_version("西安", day, values, reason, w[actor])


def claim(w, month, status):
    c = SubsidyClaim(centre_id=w["centre"].id, month=month, status=status,
                     approved_fen=0 if status == "approved" else None,
                     decision_reason="缺少考勤" if status in ("returned", "rejected") else None)
    _db.session.add(c)
    _db.session.commit()
    return c


# --- in force ------------------------------------------------------------------------------

def test_in_force_changes_on_the_effective_day_and_not_before(world):
    v = add(world, date(2026, 12, 16), operating_subsidy_fen=45000)
    assert in_force("西安", date(2026, 12, 15)).id == world["xian"].id
    assert in_force("西安", date(2026, 12, 16)).id == v.id
    assert in_force("西安", date(2027, 6, 1)).id == v.id
    assert in_force("西安", date(2024, 12, 31)) is None     # before the first version
    assert in_force("西安", date(2025, 1, 1)).id == world["xian"].id
    assert in_force("上海", date(2026, 12, 16)) is None


def test_monthly_amount_over_a_mid_month_change_is_rounded_once(world):
    add(world, date(2026, 12, 16), operating_subsidy_fen=45000)
    rate = lambda p: p.operating_subsidy_fen  # noqa: E731
    # 1-15 December at 30,000, 16-31 at 45,000, of 31 days: (450,000 + 720,000) / 31
    # = 37,741.935… → 37,742
    assert monthly_amount("西安", DEC_1, rate) == 37742
    # from the 10th: (6 × 30,000 + 16 × 45,000) / 31 = 900,000 / 31 = 29,032.26 → 29,032
    assert monthly_amount("西安", DEC_1, rate, first=date(2026, 12, 10)) == 29032
    # to the 15th: 15 × 30,000 / 31 = 14,516.13 → 14,516
    assert monthly_amount("西安", DEC_1, rate, last=date(2026, 12, 15)) == 14516
    # a month with one version is exactly its rate
    assert monthly_amount("西安", date(2026, 11, 1), rate) == 30000
    assert monthly_amount("西安", date(2027, 1, 1), rate) == 45000


def test_halves_round_up(world):
    add(world, DEC_1, operating_subsidy_fen=3)
    # 5 of December's 31 days at 3 fen = 15/31 → 0; November: 3 × 5 / 30 = 0.5 → 1
    world["xian"].operating_subsidy_fen = 3
    _db.session.commit()
    rate = lambda p: p.operating_subsidy_fen  # noqa: E731
    assert monthly_amount("西安", date(2026, 11, 1), rate, first=date(2026, 11, 26)) == 1
    assert monthly_amount("西安", DEC_1, rate, first=date(2026, 12, 27)) == 0


# --- add_version ---------------------------------------------------------------------------

def test_a_new_version_copies_the_rest_forward_and_is_audited(world):
    v = add(world, DEC_1, cap_toddler_fen=150000, health_check_valid_days=60)
    assert v.cap_toddler_fen == 150000 and v.health_check_valid_days == 60
    assert v.cap_infant_fen == world["xian"].cap_infant_fen            # copied forward
    assert v.operating_subsidy_fen == 30000
    assert v.created_by == world["city_regulator"].id and v.reason == "年度调整"
    event = _db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "policy.version_created"))
    assert event.entity_type == "city_policy" and event.entity_id == v.id
    assert event.actor_id == world["city_regulator"].id
    assert json.loads(event.before) == {"cap_toddler_fen": 180000, "health_check_valid_days": 90}
    assert json.loads(event.after) == {"city": "西安", "effective_from": "2026-12-01",
                                       "cap_toddler_fen": 150000, "health_check_valid_days": 60}


def test_a_day_of_the_current_month_is_allowed_an_earlier_one_is_not(world, db):
    before = counts(db)
    with pytest.raises(ValidationFailed) as err:
        add(world, date(2026, 10, 31), cap_toddler_fen=1)
    assert "effective_from" in err.value.errors and "2026-11-01" in err.value.message
    assert counts(db) == before                                   # nothing written, no audit
    assert add(world, date(2026, 11, 1), max_waits=3).effective_from == date(2026, 11, 1)


def test_the_same_day_twice_is_a_conflict(world, db):
    add(world, DEC_1, max_waits=3)
    before = counts(db)
    with pytest.raises(Conflict):
        add(world, DEC_1, max_waits=4, actor="admin")
    assert counts(db) == before


def test_the_unique_constraint_catches_what_the_check_missed(world, db, monkeypatch):
    add(world, DEC_1, max_waits=3)
    before = counts(db)
    monkeypatch.setattr(changes, "versions", lambda city: [])   # as if a racer came between
    with pytest.raises(Conflict):
        add(world, DEC_1, max_waits=4)
    assert counts(db) == before


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_a_change_reaching_a_decided_claim_is_refused_naming_the_month(world, db, status):
    claim(world, "2027-01", status)
    before = counts(db)
    with pytest.raises(Conflict) as err:
        add(world, date(2026, 12, 15), operating_subsidy_fen=1)
    assert "2027-01" in err.value.message
    assert counts(db) == before


def test_draft_returned_or_earlier_claims_do_not_block(world):
    claim(world, "2026-12", "draft")
    claim(world, "2027-01", "returned")
    claim(world, "2026-11", "submitted")           # before the change's month
    assert add(world, DEC_1, operating_subsidy_fen=1).operating_subsidy_fen == 1


def test_another_citys_claims_do_not_block(world):
    from tests import factories as f
    claim({"centre": f.centre(world["beijing"])}, "2027-01", "approved")
    assert add(world, DEC_1, max_waits=2).max_waits == 2


@pytest.mark.parametrize("values, field", [
    ({"second_child_reduction_pct": 101}, "second_child_reduction_pct"),
    ({"sibling_reward_pct": -1}, "sibling_reward_pct"),
    ({"health_check_valid_days": 0}, "health_check_valid_days"),
    ({"extra_allowance_from_child": 0}, "extra_allowance_from_child"),
    ({"cap_infant_fen": -100}, "cap_infant_fen"),
    ({"max_prepaid_months": None}, "max_prepaid_months"),
    ({"max_waits": "3"}, "max_waits"),
    ({"extra_allowance_born_from": "2026-01-01"}, "extra_allowance_born_from"),
    ({"colour": 1}, "colour"),
])
def test_values_out_of_range_are_refused(world, db, values, field):
    before = counts(db)
    with pytest.raises(ValidationFailed) as err:
        changes.add_version("西安", DEC_1, values, "调整", world["city_regulator"])
    assert field in err.value.errors
    assert counts(db) == before


def test_a_reason_is_required(world, db):
    for reason in ("", "  ", "长" * 201):
        with pytest.raises(ValidationFailed) as err:
            add(world, DEC_1, reason=reason, max_waits=3)
        assert "reason" in err.value.errors


def test_empty_caps_and_subsidies_are_allowed(world):
    v = add(world, DEC_1, cap_mixed_fen=None, operating_subsidy_fen=None)
    assert v.cap_mixed_fen is None and v.operating_subsidy_fen is None


# --- who may -------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["admin", "national", "city_regulator"])
def test_admins_national_and_the_citys_regulators_add(world, who):
    assert add(world, DEC_1, actor=who, max_waits=3).created_by == world[who].id


@pytest.mark.parametrize("who, error", [
    ("district_regulator", Forbidden), ("beijing_regulator", NotFound),
    ("parent", Forbidden), ("director", Forbidden)])
def test_everyone_else_is_refused(world, db, who, error):
    before = counts(db)
    with pytest.raises(error):
        add(world, DEC_1, actor=who, max_waits=3)
    assert counts(db) == before


def test_a_district_regulator_reads_its_city_only(world):
    assert changes.cities_for(world["district_regulator"]) == ["西安"]
    assert changes.readable(world["district_regulator"], "西安") == "西安"
    with pytest.raises(NotFound):
        changes.readable(world["district_regulator"], "北京")
    assert set(changes.cities_for(world["admin"])) == {"西安", "北京"}
    with pytest.raises(NotFound):
        changes.add_version("上海", DEC_1, {}, "调整", world["admin"])


# --- withdrawing a version not yet in force ------------------------------------------------

def test_a_future_version_can_be_withdrawn_one_in_force_cannot(world, db):
    add(world, DEC_1, max_waits=3)
    changes.withdraw_version("西安", DEC_1, world["city_regulator"])
    assert db.session.scalar(select(CityPolicy).where(CityPolicy.effective_from == DEC_1)) is None
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "policy.version_withdrawn")) is not None
    add(world, date(2026, 11, 1), max_waits=3)          # in force from this month
    with pytest.raises(Conflict):
        changes.withdraw_version("西安", date(2026, 11, 1), world["city_regulator"])
    with pytest.raises(Forbidden):
        changes.withdraw_version("西安", date(2026, 11, 1), world["district_regulator"])
    with pytest.raises(NotFound):
        changes.withdraw_version("西安", date(2027, 5, 1), world["admin"])
