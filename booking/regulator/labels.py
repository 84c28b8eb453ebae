"""Readable names for filing and closure states (the codes stay in the data and the API)."""
from flask_babel import lazy_gettext as _l

FILING_STATUS_LABELS = {
    "draft": _l("草稿"), "submitted": _l("已提交待审"), "approved": _l("已备案"),
    "returned": _l("已退回补正"), "suspended": _l("已暂停"), "closed": _l("已注销"),
}
RESERVATION_STATUS_LABELS = {
    "held": _l("保留中"), "enrolled": _l("已入托"), "expired": _l("已失效"),
    "cancelled": _l("已取消"), "withdrawn": _l("已离园"),
}
