from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..inputs import DateField, DecimalField
from ..children.forms import optional_id
from .services import MAX_PAYMENT_FEN
from ..i18n import USER_DATA


class PaymentForm(FlaskForm):
    parent_id = SelectField(_l("家庭"), render_kw=USER_DATA, coerce=optional_id, validators=[InputRequired(_l("请选择家庭"))],
                            invalid_value_message=_l("请选择家庭"),
                            invalid_choice_message=_l("请选择家庭"))
    amount = DecimalField(_l("金额（元）"), places=2, validators=[
        InputRequired(_l("请填写金额")),
        NumberRange(min=Decimal("0.01"), max=Decimal(MAX_PAYMENT_FEN // 100), message=_l("金额应在 %(min)s 到 %(max)s 元之间"))],
        invalid_value_message=_l("金额应为数字，例如 1800 或 1800.50"))
    method = StringField(_l("收款方式"), validators=[Optional(), Length(max=40, message=_l("最多 40 个字符"))])
    received_on = DateField(_l("收款日期"), validators=[Optional()],
                            invalid_value_message=_l("请按 年-月-日 填写日期，例如 2026-11-23"))
