"""How a slot is named on pages and in exports."""
from flask_babel import gettext as _

from ..centres.bands import AGE_BANDS, CARE_TYPES, PLACE_CATEGORIES


def slot_label(slot) -> str:
    """e.g. 托小班 (12–24 个月) · 全日托 · 公办托位 · 2027-03-01 入托"""
    return " · ".join([str(AGE_BANDS[slot.age_band].label), str(CARE_TYPES[slot.care_type]),
                       str(PLACE_CATEGORIES[slot.category]),
                       _("%(d)s 入托", d=slot.starts_on.isoformat())])
