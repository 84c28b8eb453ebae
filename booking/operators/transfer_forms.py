from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..inputs import DateField
from .transfers import REASON_MAX

_REQUIRED = _l("此项必填")


class TransferForm(FlaskForm):
    child_id = SelectField(_l("孩子"), coerce=int, validators=[DataRequired(_REQUIRED)])
    slot_id = SelectField(_l("转入的托位"), coerce=int, validators=[DataRequired(_REQUIRED)])
    starts_on = DateField(_l("转园日期（在新机构的第一天）"), validators=[Optional()])

    def __init__(self, kids, slots, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.child_id.choices = [(k.id, k.name) for k in kids]
        self.slot_id.choices = [(s.id, f"{s.centre.name} · {s.starts_on.isoformat()}")
                                for s in slots]


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("不批准的原因（会告知家长）"), validators=[
        DataRequired(_l("请填写不批准的原因")), Length(max=REASON_MAX)])


class ActionForm(FlaskForm):
    """A one-button form (approve, withdraw): its CSRF token only."""
