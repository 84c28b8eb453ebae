"""What each reservation status is called, with a symbol so status is never colour alone.
The one place for these words: pages, exports, refusals and the regulator's closure report
all read them here (the codes stay in the data and the API)."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "held": _l("保留中"),
    "enrolled": _l("已入托"),
    "expired": _l("已过期"),     # a hold that lapsed
    "cancelled": _l("已取消"),   # a hold cancelled by the family or the centre
    "withdrawn": _l("已离园"),   # an enrolment ended: the child left care
}

# Icons (templates/_icons.html names), drawn as SVG: a symbol font is not on every phone.
STATUS_SYMBOLS = {"held": "clock", "enrolled": "ok", "expired": "hourglass", "cancelled": "cross",
                  "withdrawn": "back"}


def status_label(status: str):
    """The label of a status code; an unknown code is shown as itself."""
    return STATUS_LABELS.get(status, status)


def status_pair(status: str) -> tuple:
    """(symbol, label) of a status code, for the status tag on pages."""
    return STATUS_SYMBOLS.get(status, "dot"), status_label(status)
