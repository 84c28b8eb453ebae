from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "payment": _l("收款"),
    "charge": _l("托费"),
    "credit": _l("托费冲减"),
    "refund_due": _l("应退款"),
    "refund_paid": _l("已退款"),
}
