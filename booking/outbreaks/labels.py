"""The words of outbreak alerts: scopes, and the notification's title and body (docs/outbreaks.md)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..absences.labels import SYMPTOM_LABELS

SCOPE_LABELS = {"class": _l("同一班级"), "centre": _l("全园")}
SOURCE_LABELS = {"absence": _l("因病缺勤"), "morning_check": _l("晨检未通过")}


def symptom_word(code: str) -> str:
    return str(SYMPTOM_LABELS.get(code, code))


def outbreak_title(p: dict) -> str:
    where = p.get("group") or _("全园")
    return _("疫情预警：%(centre)s %(where)s %(n)s 名儿童%(symptom)s",
             centre=p.get("centre", ""), where=where, n=p.get("count", ""),
             symptom=symptom_word(p.get("symptom", "")))


def outbreak_body(p: dict) -> str:
    """The centre's staff get the children's names; a regulator's notice has counts only."""
    text = _("%(since)s 至 %(until)s，%(centre)s %(where)s 有 %(n)s 名儿童因%(symptom)s缺勤或晨检未通过，"
             "达到传染病疫情报告标准，请在 24 小时内核实并报告。",
             since=p.get("since", ""), until=p.get("until", ""), centre=p.get("centre", ""),
             where=p.get("group") or _("全园"), n=p.get("count", ""),
             symptom=symptom_word(p.get("symptom", "")))
    if p.get("children"):
        text += " " + _("儿童：%(names)s。请在“疫情预警”页面确认并写明已采取的措施。",
                        names=p["children"])
    return text
