"""What each reservation status is called, with a symbol so status is never colour alone."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "held": _l("保留中"),
    "enrolled": _l("已入托"),
    "expired": _l("已过期"),
    "cancelled": _l("已取消"),
    "withdrawn": _l("已退托"),
}

STATUS_SYMBOLS = {"held": "◷", "enrolled": "✔", "expired": "⌛", "cancelled": "✕",
                  "withdrawn": "↩"}
