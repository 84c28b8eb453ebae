"""Readable names for filing states (the codes stay in the data and the API). Reservation
statuses are named in reservations/labels.py."""
from flask_babel import lazy_gettext as _l

FILING_STATUS_LABELS = {
    "draft": _l("草稿"), "submitted": _l("已提交待审"), "approved": _l("已备案"),
    "returned": _l("已退回补正"), "suspended": _l("已暂停"), "closed": _l("已注销"),
}


def coverage_columns() -> list[tuple[str, object]]:
    """The coverage exports' columns: (the key in services.coverage's rows, its header in the
    reader's language)."""
    return [("district", _l("区县代码")), ("name", _l("区县")), ("city", _l("城市")),
            ("population", _l("常住人口")), ("places", _l("托位数")),
            ("places_per_1000", _l("每千人口托位数")), ("target_per_1000", _l("目标（每千人口）")),
            ("places_needed", _l("距目标还差托位")), ("affordable_places", _l("普惠托位")),
            ("public_places", _l("公办托位")), ("enrolled", _l("在托儿童")),
            ("occupancy_rate", _l("入托率")), ("waitlisted_children", _l("候补儿童"))]


# Shares, written as percentages: "12.3%" in CSV, number format 0.0% in Excel.
PERCENT_COLUMNS = frozenset({"occupancy_rate"})
