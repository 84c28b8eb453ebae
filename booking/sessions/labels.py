"""What sessions and their bookings are called on the pages."""
from flask_babel import lazy_gettext as _l

KIND_LABELS = {"occasional": _l("临时托育"), "parent_child": _l("亲子活动")}
STATUS_LABELS = {"booked": _l("已预约"), "cancelled": _l("已取消"), "attended": _l("已出席"),
                 "no_show": _l("未到")}
# Icons (templates/_icons.html names), drawn as SVG: a symbol font is not on every phone.
STATUS_SYMBOLS = {"booked": "dot", "cancelled": "cross", "attended": "ok", "no_show": "alert"}
# ISO weekday → label (1 = Monday).
WEEKDAY_LABELS = {1: _l("周一"), 2: _l("周二"), 3: _l("周三"), 4: _l("周四"), 5: _l("周五"),
                  6: _l("周六"), 7: _l("周日")}
