"""Outbreak early warning (docs/outbreaks.md): the thresholds as data, and the alerts they open.

The thresholds follow 学校和托幼机构传染病疫情报告工作规范（试行）(2006): a rule names a symptom,
a scope (one class or the whole centre), how many children and over how many days. A city may
keep its own rules for a symptom; where it keeps none, the national ones (city NULL) apply.
"""
from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text,
                        UniqueConstraint, true)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime, enum_check

# The symptoms an outbreak rule may watch: the absences' codes less "other", which is not a
# similar symptom of anything.
WATCHED = ("fever", "cough", "diarrhoea", "vomiting", "rash", "jaundice")
SCOPES = ("class", "centre")


class OutbreakRule(db.Model):
    """`min_children` or more children of one class (scope "class") or of the centre (scope
    "centre") ill with `symptom` within `window_days` days (the checked day and the days
    before it) open an alert."""

    __tablename__ = "outbreak_rule"
    __table_args__ = (
        CheckConstraint(enum_check("symptom", WATCHED), name="symptom"),
        CheckConstraint(enum_check("scope", SCOPES), name="scope"),
        CheckConstraint("min_children >= 2", name="min_children"),
        CheckConstraint("window_days BETWEEN 1 AND 14", name="window_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city: Mapped[str | None] = mapped_column(String(40), index=True)  # NULL: national default
    symptom: Mapped[str] = mapped_column(String(12))
    scope: Mapped[str] = mapped_column(String(8))
    min_children: Mapped[int] = mapped_column(Integer)
    window_days: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class OutbreakAlert(db.Model):
    """A rule crossed at a centre: open until the centre acknowledges it.

    One alert per centre, class (`class_key`: the class id, 0 for the centre), symptom, rule
    and window: the unique key makes two checks running at once open one alert, not two. A
    later check whose window overlaps an alert's adds its new children to it instead of
    opening another (the same cluster, still growing)."""

    __tablename__ = "outbreak_alert"
    __table_args__ = (
        UniqueConstraint("centre_id", "class_key", "symptom", "rule_id", "window_starts_on",
                         name="uq_outbreak_alert_one_per_window"),
        CheckConstraint(enum_check("symptom", WATCHED), name="symptom"),
        CheckConstraint("window_ends_on >= window_starts_on", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("centre_group.id"))
    class_key: Mapped[int] = mapped_column(Integer)
    symptom: Mapped[str] = mapped_column(String(12))
    rule_id: Mapped[int] = mapped_column(ForeignKey("outbreak_rule.id"))
    window_starts_on: Mapped[date] = mapped_column(Date)
    # The last day checked into this alert (moves on while the cluster grows).
    window_ends_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    centre = relationship("Centre")
    group = relationship("Group")
    rule = relationship("OutbreakRule")


class OutbreakAlertChild(db.Model):
    """A child counted in an alert. Names are read from `child` for the centre's staff only."""

    __tablename__ = "outbreak_alert_child"
    __table_args__ = (UniqueConstraint("alert_id", "child_id", name="uq_outbreak_alert_child_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("outbreak_alert.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("centre_group.id"))
    # "absence", "morning_check" or both, comma-separated; the first day recorded ill.
    sources: Mapped[str] = mapped_column(String(40))
    ill_since: Mapped[date | None] = mapped_column(Date)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    child = relationship("Child")


# The national defaults the migration seeds (0021): 学校和托幼机构传染病疫情报告工作规范（试行）
# (2006): 3 or more in one class with a similar symptom in a day, or 5 or more in the centre
# over 3 days; hand, foot and mouth disease (rash) sooner: 2 in a class or 5 in the centre
# within 7 days. (symptom, scope, min_children, window_days)
NATIONAL_DEFAULTS = (
    [(s, "class", 3, 1) for s in ("fever", "diarrhoea", "vomiting", "rash", "jaundice")]
    + [(s, "centre", 5, 3) for s in ("fever", "diarrhoea", "vomiting", "rash", "jaundice")]
    + [("rash", "class", 2, 7), ("rash", "centre", 5, 7)])
