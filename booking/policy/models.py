"""City policy versions (docs/subsidies.md, "City policy over time").

A city's policy is a series of versions, each in force from its `effective_from` until the
next one begins. A change is a new row; a row is never edited once it is in force, so every
month can be recomputed with the rules that held in it.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime

# The national 育儿补贴 starts on 2025-01-01; a city's first version begins there too. Before a
# city's first version no policy is in force (no fee cap, default validity, no subsidy).
FIRST_EFFECTIVE = date(2025, 1, 1)

# The subsidy rates a version carries; None means the city pays no such subsidy.
SUBSIDY_FIELDS = (
    "allowance_fen_per_year", "extra_allowance_fen_per_month", "extra_allowance_from_child",
    "extra_allowance_born_from", "operating_subsidy_fen", "operating_min_attendance_pct",
    "construction_subsidy_fen", "sibling_reward_pct",
)
# The settings that existed before versions; a new version copies all of them forward.
SETTING_FIELDS = (
    "cap_infant_fen", "cap_toddler_fen", "cap_preschool_fen", "cap_mixed_fen",
    "health_check_valid_days", "second_child_reduction_pct", "third_child_reduction_pct",
    "max_prepaid_months", "session_quota_per_year", "session_cancel_cutoff_hours", "max_waits",
)
POLICY_FIELDS = SETTING_FIELDS + SUBSIDY_FIELDS


class CityPolicy(db.Model):
    """One version of a city's policy: the settings docs/domain.md marks *default*, and the
    subsidy rates of docs/subsidies.md, in force from `effective_from`."""

    __tablename__ = "city_policy"
    __table_args__ = (
        UniqueConstraint("city", "effective_from", name="uq_city_policy_city_effective_from"),
        CheckConstraint("health_check_valid_days > 0", name="valid_days_positive"),
        CheckConstraint("second_child_reduction_pct BETWEEN 0 AND 100", name="second_pct"),
        CheckConstraint("third_child_reduction_pct BETWEEN 0 AND 100", name="third_pct"),
        CheckConstraint("max_prepaid_months >= 0", name="prepaid_months"),
        CheckConstraint("allowance_fen_per_year IS NULL OR allowance_fen_per_year >= 0",
                        name="allowance_nonnegative"),
        CheckConstraint("extra_allowance_fen_per_month IS NULL OR extra_allowance_fen_per_month >= 0",
                        name="extra_allowance_nonnegative"),
        CheckConstraint("extra_allowance_from_child IS NULL OR extra_allowance_from_child >= 1",
                        name="extra_allowance_order"),
        CheckConstraint("operating_subsidy_fen IS NULL OR operating_subsidy_fen >= 0",
                        name="operating_nonnegative"),
        CheckConstraint("operating_min_attendance_pct IS NULL OR "
                        "operating_min_attendance_pct BETWEEN 0 AND 100", name="operating_pct"),
        CheckConstraint("construction_subsidy_fen IS NULL OR construction_subsidy_fen >= 0",
                        name="construction_nonnegative"),
        CheckConstraint("sibling_reward_pct IS NULL OR sibling_reward_pct BETWEEN 0 AND 100",
                        name="sibling_reward_pct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city: Mapped[str] = mapped_column(String(40), index=True)
    city_en: Mapped[str | None] = mapped_column(String(60))
    effective_from: Mapped[date] = mapped_column(Date, default=FIRST_EFFECTIVE)
    # Who made the version and why (NULL for seeded and migrated versions).
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=now)
    reason: Mapped[str | None] = mapped_column(String(200))
    # 政府指导价: an affordable place's monthly fee cap, per age band, in fen.
    cap_infant_fen: Mapped[int | None] = mapped_column(Integer)
    cap_toddler_fen: Mapped[int | None] = mapped_column(Integer)
    cap_preschool_fen: Mapped[int | None] = mapped_column(Integer)
    cap_mixed_fen: Mapped[int | None] = mapped_column(Integer)
    health_check_valid_days: Mapped[int] = mapped_column(Integer, default=90)
    second_child_reduction_pct: Mapped[int] = mapped_column(Integer, default=0)
    third_child_reduction_pct: Mapped[int] = mapped_column(Integer, default=0)
    max_prepaid_months: Mapped[int] = mapped_column(Integer, default=3)
    session_quota_per_year: Mapped[int] = mapped_column(Integer, default=12)
    session_cancel_cutoff_hours: Mapped[int] = mapped_column(Integer, default=2)
    # 志愿数: how many slots one child may wait for at once (docs/domain.md, one child, one place).
    max_waits: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # 育儿补贴 to families, per child per year until the third birthday (national: 3,600 yuan).
    allowance_fen_per_year: Mapped[int | None] = mapped_column(Integer)
    # A city's own monthly allowance (Baiyin): for the Nth and later child born on or after a day.
    extra_allowance_fen_per_month: Mapped[int | None] = mapped_column(Integer)
    extra_allowance_from_child: Mapped[int | None] = mapped_column(Integer)
    extra_allowance_born_from: Mapped[date | None] = mapped_column(Date)
    # To centres: per enrolled child-month on an affordable place, optionally only when the
    # child attended at least this share of the month's open days.
    operating_subsidy_fen: Mapped[int | None] = mapped_column(Integer)
    operating_min_attendance_pct: Mapped[int | None] = mapped_column(Integer)
    # To centres: per newly approved place (the capacity a filing adds).
    construction_subsidy_fen: Mapped[int | None] = mapped_column(Integer)
    # 以奖代补 (Xi'an): the share of the sibling reductions a centre granted that the city repays.
    sibling_reward_pct: Mapped[int | None] = mapped_column(Integer)

    def affordable_cap_fen(self, age_band: str) -> int | None:
        return getattr(self, f"cap_{age_band}_fen")

    def values(self) -> dict:
        return {f: getattr(self, f) for f in POLICY_FIELDS}
