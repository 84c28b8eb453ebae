"""The words of change filings: fields, statuses, the decision notice (docs/changes.md)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FIELD_LABELS = {"address": _l("地址"), "capacity": _l("核定托位数"), "manager": _l("负责人"),
                "scope": _l("服务范围"), "opening_hours": _l("服务时间")}
STATUS_LABELS = {"submitted": _l("待办理"), "approved": _l("已备案"), "returned": _l("已退回"),
                 "rejected": _l("不予备案")}
PROVISIONAL = _l("截止日期为暂定：该年节假日尚未公布")


def decided_title(p: dict) -> str:
    status = str(STATUS_LABELS.get(p.get("status"), p.get("status") or ""))
    return _("%(centre)s 的变更备案：%(status)s", centre=p.get("centre", ""), status=status)


def decided_body(p: dict) -> str:
    if p.get("status") == "approved":
        return _("变更已记入机构信息，并在信息公示中显示。")
    return _("理由：%(reason)s", reason=p.get("reason", ""))
