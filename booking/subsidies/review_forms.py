"""The regulator's decision forms on a subsidy claim."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .decisions import REASON_MAX

_REASON = Length(max=REASON_MAX, message=_l("最多 %(max)d 个字符"))


class ApproveForm(FlaskForm):
    amount = DecimalField(_l("核准金额（元，留空为申报总额）"), places=2, validators=[
        Optional(), NumberRange(min=0, message=_l("金额不能为负数"))])
    acknowledge = BooleanField(_l("我已逐项核实以上异常，仍予核准"))

    def amount_fen(self):
        return None if self.amount.data is None else int(round(self.amount.data * 100))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("理由（机构会看到）"), validators=[
        InputRequired(message=_l("请说明理由")), _REASON])
