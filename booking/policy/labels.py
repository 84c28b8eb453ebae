"""The policy fields in people's words, and how each is entered (data only)."""
from flask_babel import lazy_gettext as _l

FIELD_LABELS = {
    "cap_infant_fen": _l("乳儿班普惠收费上限（元/月）"),
    "cap_toddler_fen": _l("托小班普惠收费上限（元/月）"),
    "cap_preschool_fen": _l("托大班普惠收费上限（元/月）"),
    "cap_mixed_fen": _l("混龄班普惠收费上限（元/月）"),
    "health_check_valid_days": _l("入托体检有效天数"),
    "second_child_reduction_pct": _l("二孩托费减免（%）"),
    "third_child_reduction_pct": _l("三孩及以上托费减免（%）"),
    "max_prepaid_months": _l("预收费最多月数"),
    "session_quota_per_year": _l("每户每年免费或补贴场次"),
    "session_cancel_cutoff_hours": _l("场次取消截止（小时）"),
    "max_waits": _l("每个孩子最多候补志愿数"),
    "allowance_fen_per_year": _l("育儿补贴（元/年）"),
    "extra_allowance_fen_per_month": _l("本市育儿津贴（元/月）"),
    "extra_allowance_from_child": _l("津贴起始孩次"),
    "extra_allowance_born_from": _l("津贴适用出生日期起"),
    "operating_subsidy_fen": _l("普惠托位运营补贴（元/人/月）"),
    "operating_min_attendance_pct": _l("运营补贴最低出勤率（%）"),
    "construction_subsidy_fen": _l("新增托位建设补贴（元/个）"),
    "sibling_reward_pct": _l("多孩减免以奖代补比例（%）"),
}
