"""National rules for age bands, classes and centre kinds.

Sizes and ratios: 《托育机构设置标准（试行）》 (国卫人口发〔2019〕58号) art. 19 (class size) and
art. 20 (carer-to-child ratios, "not lower than"). Centre kinds and place categories: the
five city plans (docs/domain.md, Sources).
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..errors import AgeOutOfBand


@dataclass(frozen=True)
class AgeBand:
    code: str
    label: object
    min_months: int
    max_months: int  # exclusive upper bound
    max_class_size: int
    children_per_carer: int | None  # None: mixed, strictest ratio of the ages present


AGE_BANDS = {
    "infant": AgeBand("infant", _l("乳儿班 (6–12 个月)"), 6, 12, 10, 3),
    "toddler": AgeBand("toddler", _l("托小班 (12–24 个月)"), 12, 24, 15, 5),
    "preschool": AgeBand("preschool", _l("托大班 (24–36 个月)"), 24, 36, 20, 7),
    # 混合编班: 18 months and over; ratio not set nationally (docs/domain.md, Age bands and classes).
    "mixed": AgeBand("mixed", _l("混合编班 (18–36 个月)"), 18, 36, 18, None),
}

CENTRE_KINDS = {
    "public": _l("公办托育机构"),
    "community_embedded": _l("社区嵌入式托育"),
    "employer": _l("用人单位办托"),
    "kindergarten_class": _l("幼儿园托班"),
    "family": _l("家庭托育点"),
    "medical": _l("医育结合"),
    "special_needs": _l("特殊儿童托育点"),
    "service_hub": _l("托育综合服务中心"),
    "private": _l("民办托育机构"),
}

PLACE_CATEGORIES = {
    "public": _l("公办托位"),
    "affordable": _l("普惠托位"),
    "market": _l("市场化托位"),
}

CARE_TYPES = {
    "full_day": _l("全日托"),
    "half_day": _l("半日托"),
}


def age_in_months(birth_date, on_date) -> int:
    """Whole months of age on `on_date` (a child born 15 March is 1 month old on 15 April)."""
    months = (on_date.year - birth_date.year) * 12 + (on_date.month - birth_date.month)
    if on_date.day < birth_date.day:
        months -= 1
    return months


def band_fits(band_code: str, months: int) -> bool:
    band = AGE_BANDS[band_code]
    return band.min_months <= months < band.max_months


PLACE_BAND_REFUSAL = _l("%(name)s 在 %(date)s 时 %(m)s 个月，该托位收 %(lo)s–%(hi)s 个月的孩子")


def check_band(band_code: str, on, child, refusal=PLACE_BAND_REFUSAL) -> None:
    """设置标准 art. 19: the child's age in months on `on` (a place's start, a session's day)
    fits the band (docs/domain.md, "Age bands and classes"). `refusal` says what the band belongs to.

    :raises AgeOutOfBand: it does not.
    """
    months = age_in_months(child.birth_date, on)
    if not band_fits(band_code, months):
        band = AGE_BANDS[band_code]
        raise AgeOutOfBand(str(refusal) % {"name": child.name, "date": on.isoformat(), "m": months,
                                          "lo": band.min_months, "hi": band.max_months})
