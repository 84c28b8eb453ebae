"""The new-version form: every policy field, money in yuan (up to two decimals), the rest as
whole numbers; an empty optional field means the city pays no such subsidy (or sets no cap)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from ..inputs import DateField, parse_day
from .changes import DATES, MONEY, REASON_MAX
from .labels import FIELD_LABELS
from .models import POLICY_FIELDS

YUAN = re.compile(r"^(\d{1,7})(?:\.(\d{1,2}))?$")
WHOLE = re.compile(r"^\d{1,9}$")


class VersionForm(FlaskForm):
    effective_from = DateField(_l("生效日期"), validators=[
        InputRequired(message=_l("请填写生效日期"))],
        invalid_value_message=_l("请按 年-月-日 填写日期，例如 2026-11-23"))
    reason = StringField(_l("调整原因"), validators=[
        InputRequired(message=_l("请写明调整原因")),
        Length(max=REASON_MAX, message=_l("最多 %(max)d 个字符"))])


for _name in POLICY_FIELDS:
    setattr(VersionForm, _name, StringField(FIELD_LABELS[_name]))


def to_text(name: str, value) -> str:
    """A stored value as the form shows it (fen as yuan)."""
    if value is None:
        return ""
    if name in MONEY:
        return f"{value // 100}" if value % 100 == 0 else f"{value // 100}.{value % 100:02d}"
    if name in DATES:
        return value.isoformat()
    return str(value)


def prefill(form: VersionForm, values: dict, effective_from) -> None:
    form.effective_from.data = effective_from
    for name in POLICY_FIELDS:
        getattr(form, name).data = to_text(name, values.get(name))


def values_of(form: VersionForm) -> dict | None:
    """The typed values in the service's units (fen), or None after putting a message on each
    field that cannot be read (the range checks are the service's)."""
    values, bad = {}, False
    for name in POLICY_FIELDS:
        field = getattr(form, name)
        text = (field.data or "").strip()
        if not text:
            values[name] = None
            continue
        if name in MONEY:
            m = YUAN.match(text)
            if m is None:
                field.errors = list(field.errors) + [str(_l("请填写金额（元），最多两位小数，例如 1800 或 1800.50"))]
                bad = True
                continue
            values[name] = int(m.group(1)) * 100 + int((m.group(2) or "0").ljust(2, "0"))
        elif name in DATES:
            day = parse_day(text)
            if day is None:
                field.errors = list(field.errors) + [str(_l("请按 年-月-日 填写日期，例如 2026-11-23"))]
                bad = True
                continue
            values[name] = day
        else:
            if not WHOLE.match(text):
                field.errors = list(field.errors) + [str(_l("请填写不小于 0 的整数"))]
                bad = True
                continue
            values[name] = int(text)
    return None if bad else values
