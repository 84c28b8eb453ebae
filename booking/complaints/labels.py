"""The words of complaints: categories, statuses, outcomes, and the notices (docs/complaints.md)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {"safety": _l("安全"), "health": _l("卫生保健"), "fees": _l("收费"),
                   "care": _l("照护质量"), "staffing": _l("人员配备"), "other": _l("其他")}
STATUS_LABELS = {"received": _l("已受理"), "centre_asked": _l("待机构说明"),
                 "answered": _l("机构已说明"), "closed": _l("已办结")}
OUTCOME_LABELS = {"upheld": _l("投诉成立"), "partly_upheld": _l("部分成立"),
                  "not_upheld": _l("投诉不成立")}
PROVISIONAL = _l("截止日期为暂定：该年节假日尚未公布")


def _word(labels, code) -> str:
    return str(labels.get(code, code or ""))


def complaint_title(kind: str, p: dict) -> str:
    centre = p.get("centre", "")
    if kind == "complaint_received":
        return _("新投诉：%(centre)s（%(category)s）", centre=centre,
                 category=_word(CATEGORY_LABELS, p.get("category")))
    if kind == "complaint_account_requested":
        return _("监管部门请 %(centre)s 就一件投诉作出说明", centre=centre)
    return _("您对 %(centre)s 的投诉已办结：%(outcome)s", centre=centre,
             outcome=_word(OUTCOME_LABELS, p.get("outcome")))


def complaint_body(kind: str, p: dict) -> str:
    if kind == "complaint_received":
        return _("请在 %(d)s 前办结（15 个工作日）。投诉人联系方式仅在监管页面可见。",
                 d=p.get("due_on", ""))
    if kind == "complaint_account_requested":
        return _("请在 %(d)s 前在“投诉说明”页面提交机构的说明（5 个工作日）。", d=p.get("due_on", ""))
    return _("请在投诉查询页面查看处理结果。")
