"""The words for health notes' and measurements' codes (docs/growth.md). The one place for
them; pages, notifications and the class view's short labels read them from here."""
from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "allergy": _l("过敏"),
    "diet": _l("饮食禁忌"),
    "condition": _l("慢性病"),
    "medication": _l("喂药委托"),
}

SEVERITY_LABELS = {"mild": _l("轻度"), "moderate": _l("中度"), "severe": _l("严重")}

ENTERED_AS_LABELS = {"guardian": _l("家长填写"), "centre": _l("托育机构录入")}

MEASURED_BY_LABELS = {
    "guardian": _l("家长测量"),
    "centre": _l("托育机构测量"),
    "institution": _l("医疗卫生机构测量"),
    "intake": _l("入托体检"),
}

INDICATOR_LABELS = {
    "wfa": _l("年龄别体重"),
    "lhfa": _l("年龄别身长/身高"),
    "wflh": _l("身长/身高别体重"),
}

# What below −2 SD means for each indicator (WHO: underweight, stunting, wasting).
BELOW_LABELS = {
    "wfa": _l("低体重"),
    "lhfa": _l("生长迟缓"),
    "wflh": _l("消瘦"),
}

SEX_LABELS = {"f": _l("女"), "m": _l("男")}
