"""The seeded policy versions: 白银 from 2024-01-01 with the national allowance added in 2025,
Beijing's 2027 adjustment, and seeding twice adds nothing (booking/seeding.load_policy)."""
from datetime import date

import yaml
from sqlalchemy import func, select

from booking.policy.models import CityPolicy
from booking.policy.services import in_force
from booking.seeding import load_policy

with open("seeds/districts.yaml", encoding="utf-8") as fh:
    CITIES = {c["city"]: c for c in yaml.safe_load(fh)["cities"]}


def _seed(db):
    for city in CITIES.values():
        load_policy(city)
    db.session.commit()


def test_seeded_versions_and_their_days(db):
    _seed(db)
    baiyin = [(p.effective_from, p.allowance_fen_per_year, p.extra_allowance_fen_per_month)
              for p in db.session.scalars(select(CityPolicy).where(CityPolicy.city == "白银")
                                          .order_by(CityPolicy.effective_from))]
    assert baiyin == [(date(2024, 1, 1), None, 20000), (date(2025, 1, 1), 360000, 20000)]
    assert in_force("白银", date(2023, 12, 31)) is None
    assert in_force("北京", date(2026, 12, 31)).operating_subsidy_fen == 40000
    assert in_force("北京", date(2027, 1, 1)).operating_subsidy_fen == 50000
    assert in_force("北京", date(2027, 1, 1)).cap_infant_fen == 230000
    # settings the change leaves alone copy forward
    assert in_force("北京", date(2027, 1, 1)).health_check_valid_days == \
        in_force("北京", date(2026, 1, 1)).health_check_valid_days
    assert in_force("阿拉尔", date(2025, 1, 1)).allowance_fen_per_year == 360000


def test_seeding_twice_adds_no_version(db):
    _seed(db)
    before = db.session.scalar(select(func.count(CityPolicy.id)))
    _seed(db)
    assert db.session.scalar(select(func.count(CityPolicy.id))) == before == 7   # 白银 and 北京 two each, three cities one
