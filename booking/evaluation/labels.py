"""The words of dynamic evaluation (docs/evaluation.md)."""
from flask_babel import lazy_gettext as _l

KIND_LABELS = {"self": _l("机构自评"), "inspection": _l("监管检查")}
STATUS_LABELS = {"draft": _l("草稿"), "submitted": _l("已提交"), "recorded": _l("已记录")}
FIX_STATE_LABELS = {"open": _l("待整改"), "due_soon": _l("即将到期"), "overdue": _l("已逾期"),
                    "reported": _l("待核验"), "verified": _l("已核验")}


def fix_notice_title(p: dict) -> str:
    """The notice of a fix item (`fix_item_update`): set or sent back (to the centre's
    directors), reported done (to the district's regulators)."""
    from flask_babel import gettext as _

    if p.get("event") == "reported":
        return _("%(centre)s 报告整改完成：%(what)s", centre=p.get("centre", ""),
                 what=p.get("what", ""))
    if p.get("event") == "returned":
        return _("整改项被退回：%(what)s", what=p.get("what", ""))
    return _("新的整改项：%(what)s", what=p.get("what", ""))


def fix_notice_body(p: dict) -> str:
    from flask_babel import gettext as _

    if p.get("event") == "reported":
        return _("请核验整改情况。")
    if p.get("event") == "returned":
        return _("理由：%(reason)s。请在 %(due)s 前完成整改并报告。", reason=p.get("reason", ""),
                 due=p.get("due_on", ""))
    return _("请在 %(due)s 前完成整改并报告。", due=p.get("due_on", ""))
