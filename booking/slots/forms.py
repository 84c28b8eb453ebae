from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from ..inputs import DateField, DecimalField
from ..centres.bands import AGE_BANDS, CARE_TYPES, PLACE_CATEGORIES
from ..children.forms import optional_id
from ..i18n import USER_DATA

MAX_FEE_YUAN = 100000


def to_fen(yuan: Decimal) -> int:
    """Yuan as typed (up to 2 decimals) → whole fen, as every fee is stored."""
    return int((yuan * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _capacity(minimum):
    return IntegerField(_l("托位数"), validators=[
        InputRequired(_l("请填写托位数")),
        NumberRange(min=minimum, max=200, message=_l("托位数应在 %(min)s 到 %(max)s 之间"))],
        invalid_value_message=_l("托位数应为整数"))


def _fee():
    return DecimalField(_l("月费（元）"), places=2, validators=[
        InputRequired(_l("请填写月费")),
        NumberRange(min=0, max=MAX_FEE_YUAN, message=_l("月费应在 %(min)s 到 %(max)s 元之间"))],
        invalid_value_message=_l("月费应为数字，例如 1800 或 1800.50"))


class SlotForm(FlaskForm):
    group_id = SelectField(_l("班级"), render_kw=USER_DATA, coerce=optional_id,
                           invalid_value_message=_l("班级不存在"),
                           invalid_choice_message=_l("班级不存在"))
    age_band = SelectField(_l("班型"), choices=lambda: [(k, b.label) for k, b in AGE_BANDS.items()],
                           invalid_choice_message=_l("请选择班型"))
    care_type = SelectField(_l("托育类型"), choices=lambda: list(CARE_TYPES.items()),
                            invalid_choice_message=_l("请选择托育类型"))
    category = SelectField(_l("托位类别"), choices=lambda: list(PLACE_CATEGORIES.items()),
                           invalid_choice_message=_l("请选择托位类别"))
    capacity = _capacity(1)
    monthly_fee = _fee()
    starts_on = DateField(_l("入托日期"), validators=[InputRequired(_l("请填写入托日期"))],
                          invalid_value_message=_l("请按 年-月-日 填写日期，例如 2027-03-01"))


class SlotChangeForm(FlaskForm):
    capacity = _capacity(0)
    monthly_fee = _fee()
