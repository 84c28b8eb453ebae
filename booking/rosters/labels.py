"""Words for staff roles and health-certificate states, in the reader's language."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "childcare_worker": _l("保育师"),
    "infant_carer": _l("育婴员"),
    "teacher": _l("幼儿教师"),
    "health_worker": _l("卫生保健人员"),
    "security": _l("安保人员"),
    "cook": _l("炊事人员"),
    "manager": _l("机构负责人"),
}

# 保育师 national occupational standard: 5 = 五级/初级 … 1 = 一级/高级技师.
LEVEL_LABELS = {
    5: _l("五级/初级工"),
    4: _l("四级/中级工"),
    3: _l("三级/高级工"),
    2: _l("二级/技师"),
    1: _l("一级/高级技师"),
}

CERT_STATES = {
    "missing": _l("未登记健康合格证"),
    "lapsed": _l("健康合格证已过期"),
    "lapsing": _l("健康合格证 30 天内到期"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))

WEEKDAYS = (_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日"))
