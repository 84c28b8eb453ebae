"""The words of the notice a centre's directors get when a regulator decides its claim."""
from flask_babel import gettext as _

KIND = "subsidy_claim_decided"


def _yuan(fen) -> str:
    return f"{fen / 100:,.2f}" if isinstance(fen, int) and not isinstance(fen, bool) else ""


def decided_title(p: dict) -> str:
    month, status = p.get("month", ""), p.get("status")
    if status == "approved":
        return _("%(month)s 补贴申领已核准：%(amount)s 元", month=month,
                 amount=_yuan(p.get("approved_fen")))
    if status == "returned":
        return _("%(month)s 补贴申领被退回，请修改后重新提交", month=month)
    return _("%(month)s 补贴申领不予核准", month=month)


def decided_body(p: dict) -> str:
    if p.get("status") == "approved":
        return _("%(centre)s 申报 %(total)s 元，核准 %(amount)s 元。", centre=p.get("centre", ""),
                 total=_yuan(p.get("total_fen")), amount=_yuan(p.get("approved_fen")))
    return _("%(centre)s 的申报，理由：%(reason)s", centre=p.get("centre", ""),
             reason=p.get("reason", ""))
