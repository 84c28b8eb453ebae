"""The family's forms: the subsidy city, an application, the office's answer. Amounts are
asked in yuan and kept in fen."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .labels import SCHEME_LABELS, STATUS_LABELS
from .models import NOTE_MAX, REFERENCE_MAX

_DATE = _l("请填写有效日期")


class CityForm(FlaskForm):
    city = SelectField(_l("补贴城市（户籍或居住地）"), choices=[])


class ApplicationForm(FlaskForm):
    scheme = SelectField(_l("补贴类别"), choices=lambda: [
        (k, str(v)) for k, v in SCHEME_LABELS.items()])
    applied_on = DateField(_l("申请日期"), validators=[InputRequired(message=_DATE)])
    reference = StringField(_l("受理编号（选填）"), validators=[
        Optional(), Length(max=REFERENCE_MAX, message=_l("最多 %(max)d 个字符"))])
    note = StringField(_l("备注（选填）"), validators=[
        Optional(), Length(max=NOTE_MAX, message=_l("最多 %(max)d 个字符"))])


class StatusForm(FlaskForm):
    # Every status is a choice: a move the office's answers never make is the service's to
    # refuse (409), as in the API; the page offers only the moves open from the current one.
    status = SelectField(_l("新状态"), choices=lambda: [
        (k, str(v)) for k, v in STATUS_LABELS.items()])
    status_on = DateField(_l("日期"), validators=[InputRequired(message=_DATE)])
    amount_yuan = DecimalField(_l("发放金额（元，选填）"), places=2, validators=[
        Optional(), NumberRange(min=0, max=10_000_000, message=_l("金额不能为负数"))])
    note = StringField(_l("备注（选填）"), validators=[
        Optional(), Length(max=NOTE_MAX, message=_l("最多 %(max)d 个字符"))])

    @classmethod
    def for_application(cls, app, **kwargs):
        form = cls(prefix=f"a{app.id}", **kwargs)
        return form

    def offer(self, statuses):
        self.status.choices = [(k, str(STATUS_LABELS[k])) for k in statuses]
        return self

    def amount_fen(self):
        value = self.amount_yuan.data
        return None if value is None else int(round(value * 100))
