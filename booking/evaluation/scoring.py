"""Checking item scores against the checklist, and what they add up to (docs/evaluation.md)."""
from flask_babel import gettext as _

from ..regulator.inspections import DIMENSIONS, grade_for
from .checklist import BY_CODE, ITEMS
from .models import NOTE_MAX


def check(items: dict, notes: dict | None, failed, *, complete: bool) -> dict:
    """Errors keyed by item code, each naming the item: a score over the item's points,
    negative or not a whole number; missing when `complete`; a failed mark on an item that is
    no basic indicator; an unknown item. Empty when all is well."""
    errors: dict = {}
    notes = notes or {}
    unknown = sorted((set(items) | set(notes) | set(failed or ())) - set(BY_CODE))
    if unknown:
        errors["items"] = [_("没有这些检查项：%(codes)s", codes="、".join(unknown))]
    for item in ITEMS:
        value = items.get(item.code)
        if value is None or value == "":
            if complete:
                errors[item.code] = [_("%(label)s：请填写得分", label=item.label)]
            continue
        if isinstance(value, bool) or not isinstance(value, int) \
                or not 0 <= value <= item.max_points:
            errors[item.code] = [_("%(label)s：得分应在 0 到 %(top)s 之间的整数",
                                   label=item.label, top=item.max_points)]
        note = notes.get(item.code)
        if note and len(note) > NOTE_MAX:
            errors.setdefault(item.code, []).append(
                _("%(label)s：说明最多 %(n)s 个字符", label=item.label, n=NOTE_MAX))
    for code in failed or ():
        if code in BY_CODE and not BY_CODE[code].basic:
            errors.setdefault(code, []).append(
                _("%(label)s 不是基本指标，不能标为不达标", label=BY_CODE[code].label))
    return errors


def failed_basic(items: dict, failed) -> list[str]:
    """The basic indicators not met: marked failed, or scored 0."""
    return [i.code for i in ITEMS if i.basic and (i.code in set(failed or ())
                                                 or items.get(i.code) == 0)]


def by_dimension(items: dict) -> dict:
    return {key: sum(items.get(i.code) or 0 for i in ITEMS if i.dimension == key)
            for key in DIMENSIONS}


def total(items: dict) -> int:
    return sum(items.get(i.code) or 0 for i in ITEMS)


def grade(items: dict, failed) -> str:
    return grade_for(total(items), bool(failed_basic(items, failed)))
