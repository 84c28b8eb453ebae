"""Readable names for filing states (the codes stay in the data and the API). Reservation
statuses are named in reservations/labels.py."""
from flask_babel import lazy_gettext as _l

FILING_STATUS_LABELS = {
    "draft": _l("草稿"), "submitted": _l("已提交待审"), "approved": _l("已备案"),
    "returned": _l("已退回补正"), "suspended": _l("已暂停"), "closed": _l("已注销"),
}
