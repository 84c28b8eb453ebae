"""The words of dynamic evaluation (docs/evaluation.md)."""
from flask_babel import lazy_gettext as _l

KIND_LABELS = {"self": _l("机构自评"), "inspection": _l("监管检查")}
STATUS_LABELS = {"draft": _l("草稿"), "submitted": _l("已提交"), "recorded": _l("已记录")}
FIX_STATE_LABELS = {"open": _l("待整改"), "due_soon": _l("即将到期"), "overdue": _l("已逾期"),
                    "reported": _l("待核验"), "verified": _l("已核验")}
