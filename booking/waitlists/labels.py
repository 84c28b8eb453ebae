"""What priority tiers and waitlist statuses are called (docs/waitlists.md). The one place
for these words; an offer is a held place, so its lapse is named as a hold's is
(reservations/labels.py)."""
from flask_babel import lazy_gettext as _l

TIER_LABELS = {
    "closure_transfer": _l("应急转托（原机构停办）"),
    "sibling": _l("长幼随学 / 多孩同园"),
    "special_needs": _l("特殊儿童、困境儿童"),
    "employer_staff": _l("用人单位职工子女"),
    "second_third_child": _l("二孩、三孩家庭"),
    "district_resident": _l("本区户籍或居住证"),
    "everyone": _l("其他家庭"),
}

STATUS_LABELS = {
    "waiting": _l("候补中"),
    "offered": _l("已到位，托位保留中"),
    "accepted": _l("已入托"),
    "expired": _l("到位未确认，已过期"),
    "withdrawn": _l("已退出候补"),  # left the waitlist (an offer's hold cancelled, too)
}

# Icons (templates/_icons.html names), drawn as SVG: a symbol font is not on every phone.
STATUS_SYMBOLS = {"waiting": "dots", "offered": "star", "accepted": "ok", "expired": "hourglass",
                  "withdrawn": "back"}


def status_pair(status: str) -> tuple:
    """(symbol, label) of a waitlist entry's status; an unknown code is shown as itself."""
    return STATUS_SYMBOLS.get(status, "dot"), STATUS_LABELS.get(status, status)
