"""The words of recognitions: kinds, statuses, criteria, and the decision notice
(docs/recognition.md)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

KIND_LABELS = {"affordable": _l("普惠性托育机构认定"), "star": _l("星级评定")}
STATUS_LABELS = {"applied": _l("待审批"), "granted": _l("已认定"), "refused": _l("未通过"),
                 "withdrawn": _l("已撤销"), "expired": _l("已到期")}
CRITERIA_LABELS = {"fees_within_cap": _l("普惠托位收费不超过政府指导价"),
                   "places": _l("托位数"), "inspection_grade": _l("最近一次检查等级"),
                   "complaints_upheld_12m": _l("近 12 个月成立的投诉")}


def _word(labels, code) -> str:
    return str(labels.get(code, code or ""))


def decided_title(p: dict) -> str:
    what = _word(KIND_LABELS, p.get("what"))
    if p.get("what") == "star" and p.get("stars"):
        what = _("%(what)s（%(n)s 星）", what=what, n=p["stars"])
    return _("%(centre)s 的%(what)s：%(status)s", centre=p.get("centre", ""), what=what,
             status=_word(STATUS_LABELS, p.get("status")))


def decided_body(p: dict) -> str:
    if p.get("status") == "granted":
        return _("有效期至 %(d)s。届满前 90 天内可申请续期。", d=p.get("valid_until") or "")
    return _("请在“认定与星级”页面查看理由。")
