"""The words people read for a transfer's status (docs/operators.md)."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "requested": _l("待审批"),
    "approved": _l("已批准"),
    "refused": _l("未批准"),
    "withdrawn": _l("已撤回"),
}
