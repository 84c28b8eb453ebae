"""Changing a city's policy: a new version from a day on, never an edit of the past
(docs/subsidies.md, "City policy over time").

Who: admins anywhere, national regulators, and the regulators whose scope is the city; a
district regulator of the city may read the versions but not add one (403); any other
regulator finds the city missing (404), as the scope rule wants.
What is refused: a day before the current month (its computations are closed, 422), a
second version on one day (409, guarded by the unique constraint too), and a change that
would alter a subsidy claim already submitted or approved (409, naming the months).
"""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..centres.models import Centre, District
from ..clock import today
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import is_national
from ..subsidies.models import SubsidyClaim
from ..transactions import command
from .models import POLICY_FIELDS, CityPolicy
from .services import in_force, versions

REASON_MAX = 200
MAX_INT = 2**31 - 1
# How each field is checked (the database's checks, and what a person may sensibly enter).
MONEY = ("cap_infant_fen", "cap_toddler_fen", "cap_preschool_fen", "cap_mixed_fen",
         "allowance_fen_per_year", "extra_allowance_fen_per_month", "operating_subsidy_fen",
         "construction_subsidy_fen")
PERCENT = ("second_child_reduction_pct", "third_child_reduction_pct",
           "operating_min_attendance_pct", "sibling_reward_pct")
COUNT = ("max_prepaid_months", "session_quota_per_year", "session_cancel_cutoff_hours")
POSITIVE = ("health_check_valid_days", "max_waits", "extra_allowance_from_child")
DATES = ("extra_allowance_born_from",)
# A city always has these; the caps and every subsidy rate may be empty (none).
REQUIRED = ("health_check_valid_days", "second_child_reduction_pct", "third_child_reduction_pct",
            "max_prepaid_months", "session_quota_per_year", "session_cancel_cutoff_hours",
            "max_waits")
# What a city's first version starts from when nothing is in force before it.
DEFAULTS = {"health_check_valid_days": 90, "second_child_reduction_pct": 0,
            "third_child_reduction_pct": 0, "max_prepaid_months": 3, "session_quota_per_year": 12,
            "session_cancel_cutoff_hours": 2, "max_waits": 5}


# --- who may ---------------------------------------------------------------------------------

def known_cities() -> list[str]:
    """Every city with a district or a policy version."""
    return sorted(set(db.session.scalars(select(District.city).distinct()))
                  | set(db.session.scalars(select(CityPolicy.city).distinct())))


def _user_city(user) -> str | None:
    """The city a regulator's scope lies in (a district's city, or the city itself)."""
    if user.district_id:
        return db.session.scalar(select(District.city).where(District.id == user.district_id))
    return user.city or None


def cities_for(user) -> list[str]:
    """The cities `user` may read the policy of."""
    if is_national(user):
        return known_cities()
    if getattr(user, "role", None) != "regulator":
        return []
    city = _user_city(user)
    return [city] if city in known_cities() else []


def may_change(user, city: str) -> bool:
    """Admins, national regulators and the city's own regulators (not a district's)."""
    if is_national(user):
        return True
    return (user.role == "regulator" and not user.district_id and bool(user.city)
            and user.city == city)


def readable(user, city: str) -> str:
    """:raises Forbidden: not a regulator or admin. :raises NotFound: unknown or outside."""
    if user is None or user.role not in ("regulator", "admin"):
        raise Forbidden()
    if city not in cities_for(user):
        raise NotFound()
    return city


# --- what may be entered ---------------------------------------------------------------------

def _int(name, value, errors, low, high=MAX_INT):
    if isinstance(value, bool) or not isinstance(value, int):
        errors[name] = [_("应为整数")]
    elif value < low:
        errors[name] = [_("不能小于 %(n)s", n=low)]
    elif value > high:
        errors[name] = [_("不能大于 %(n)s", n=high)]


def clean(values: dict) -> dict[str, list[str]]:
    """The errors in a complete set of policy values (empty when they are fine)."""
    errors: dict[str, list[str]] = {}
    for name in POLICY_FIELDS:
        value = values.get(name)
        if value is None:
            if name in REQUIRED:
                errors[name] = [_("必填")]
            continue
        if name in DATES:
            if not isinstance(value, date):
                errors[name] = [_("不是有效日期，格式为 YYYY-MM-DD")]
        elif name in PERCENT:
            _int(name, value, errors, 0, 100)
        elif name in POSITIVE:
            _int(name, value, errors, 1)
        else:  # MONEY and COUNT
            _int(name, value, errors, 0)
    return errors


def starting_values(city: str, effective_from: date) -> dict:
    """What a new version from `effective_from` copies forward: the version in force the day
    before (the defaults when there is none)."""
    before = in_force(city, effective_from - timedelta(days=1))
    return before.values() if before else {f: DEFAULTS.get(f) for f in POLICY_FIELDS}


def first_open_day() -> date:
    """The first day a new version may start: months before the current one are closed."""
    return today().replace(day=1)


def default_effective_from() -> date:
    first = today().replace(day=1)
    return (first + timedelta(days=32)).replace(day=1)


def _claims_decided(city: str, effective_from: date) -> list[str]:
    month = effective_from.strftime("%Y-%m")
    return sorted(set(db.session.scalars(
        select(SubsidyClaim.month).join(Centre, Centre.id == SubsidyClaim.centre_id)
        .join(District, District.id == Centre.district_id)
        .where(District.city == city, SubsidyClaim.month >= month,
               SubsidyClaim.status.in_(("submitted", "approved"))))))


def changes(old: dict, new: dict) -> dict[str, tuple]:
    """{field: (old, new)} for the fields that differ."""
    return {f: (old.get(f), new.get(f)) for f in POLICY_FIELDS if old.get(f) != new.get(f)}


@command
def add_version(city: str, effective_from, values: dict, reason, actor) -> CityPolicy:
    """A new version of `city`'s policy from `effective_from`. Fields left out of `values`
    copy forward from the version in force the day before.

    :raises Forbidden: a district regulator, or not a regulator or admin.
    :raises NotFound: an unknown city, or one outside the regulator's scope.
    :raises ValidationFailed: a closed month, a missing reason, a value out of range.
    :raises Conflict: a version already starts that day; a claim already submitted or
        approved for a month the change would alter.
    """
    readable(actor, city)
    if not may_change(actor, city):
        raise Forbidden(_("只有市级监管部门或管理员可以修改城市政策"))
    errors: dict[str, list[str]] = {}
    if not isinstance(effective_from, date):
        errors["effective_from"] = [_("不是有效日期，格式为 YYYY-MM-DD")]
    elif effective_from < first_open_day():
        errors["effective_from"] = [_(
            "生效日期不能早于 %(d)s：以前月份的费用和补贴已经结算，不能再改变",
            d=first_open_day().isoformat())]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请写明调整原因")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("最多 %(n)s 个字符", n=REASON_MAX)]
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        errors.update({name: [_("没有这一项")] for name in sorted(unknown)})
    if errors:
        raise ValidationFailed(errors=errors)
    old = starting_values(city, effective_from)
    new = {**old, **values}
    errors = clean(new)
    if errors:
        raise ValidationFailed(errors=errors)
    if any(v.effective_from == effective_from for v in versions(city)):
        raise Conflict(_("%(d)s 起生效的版本已经存在", d=effective_from.isoformat()))
    months = _claims_decided(city, effective_from)
    if months:
        raise Conflict(_("补贴申领已提交或已核准的月份不能再改变：%(m)s",
                         m="、".join(months)))
    city_en = db.session.scalar(select(District.city_en).where(
        District.city == city, District.city_en.is_not(None)).limit(1))
    version = CityPolicy(city=city, city_en=city_en, effective_from=effective_from,
                         created_by=actor.id, reason=reason, **new)
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:  # another version for that day got in first
        raise Conflict(_("%(d)s 起生效的版本已经存在", d=effective_from.isoformat()))
    diff = changes(old, new)
    record("policy.version_created", version, actor=actor, reason=reason,
           before={f: o for f, (o, _n) in diff.items()},
           after={"city": city, "effective_from": effective_from,
                  **{f: n for f, (_o, n) in diff.items()}})
    db.session.commit()
    return version


@command
def withdraw_version(city: str, effective_from: date, actor) -> None:
    """Withdraw a version not yet in force (a change announced too early or wrongly).

    :raises NotFound: no such version, or the city outside the scope.
    :raises Forbidden: not allowed to change the city's policy.
    :raises Conflict: the version is already in force (the past is never edited).
    """
    readable(actor, city)
    if not may_change(actor, city):
        raise Forbidden(_("只有市级监管部门或管理员可以修改城市政策"))
    version = db.session.scalar(select(CityPolicy).where(
        CityPolicy.city == city, CityPolicy.effective_from == effective_from))
    if version is None:
        raise NotFound()
    if version.effective_from <= today():
        raise Conflict(_("已经生效的版本不能撤回"))
    record("policy.version_withdrawn", version, actor=actor,
           before={"city": city, "effective_from": effective_from, "reason": version.reason})
    db.session.delete(version)
    db.session.commit()
