"""The recognition forms: the director's application, the regulator's decisions."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from .models import REASON_MAX


class ApplyForm(FlaskForm):
    kind = HiddenField(validators=[InputRequired()])
    stars = SelectField(_l("申请星级"), choices=lambda: [(str(n), "★" * n) for n in range(1, 6)],
                        validators=[Optional()])


class GrantForm(FlaskForm):
    valid_from = DateField(_l("有效期起"), validators=[Optional()])
    valid_until = DateField(_l("有效期至"), validators=[Optional()])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("理由"), validators=[
        InputRequired(message=_l("请说明理由")),
        Length(max=REASON_MAX, message=_l("最多 %(max)d 个字符"))])
