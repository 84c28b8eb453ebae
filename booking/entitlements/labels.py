"""The words a family reads about its entitlements: schemes, statuses, and the rule behind
each month's amount."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SCHEME_LABELS = {"national": _l("国家育儿补贴"), "city": _l("本地育儿补贴")}
STATUS_LABELS = {"applied": _l("已申请"), "approved": _l("已核准"), "paid": _l("已发放"),
                 "rejected": _l("未通过")}
REASON_LABELS = {"no_policy": _l("当月没有生效的补贴政策（国家育儿补贴自 2025-01-01 起）"),
                 "not_qualified": _l("本地育儿补贴：孩次或出生日期不符合条件")}


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def part_text(part) -> str:
    """One version's share of a month, e.g. 国家育儿补贴：2025-01-01 起 每年 3600.00 元，
    按天折算 14/31 天."""
    if part.per == "year":
        rate = _("每年 %(yuan)s 元", yuan=yuan(part.rate_fen))
    else:
        rate = _("每月 %(yuan)s 元", yuan=yuan(part.rate_fen))
    text = _("%(scheme)s：%(since)s 起 %(rate)s", scheme=SCHEME_LABELS[part.scheme],
             since=part.effective_from.isoformat(), rate=rate)
    if part.scheme == "city" and part.from_child:
        text += _("（第 %(n)s 孩起）", n=part.from_child)
    if part.prorated:
        text += _("，按天折算 %(n)s/%(m)s 天", n=part.days, m=part.days_in_month)
    return text


def rule_text(row) -> str:
    texts = [part_text(p) for p in row.parts] + [str(REASON_LABELS[r]) for r in row.reasons]
    return "；".join(texts)
