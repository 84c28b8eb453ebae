"""Staff records and shifts. Times are Beijing local in the forms; services take aware
instants (stored UTC)."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..inputs import DateField
from ..clock import LOCAL
from .labels import LEVEL_LABELS, ROLE_LABELS
from ..i18n import USER_DATA


def _roles():
    return [(k, v) for k, v in ROLE_LABELS.items()]


def _levels():
    return [("", _l("无/不适用"))] + [(str(k), v) for k, v in sorted(LEVEL_LABELS.items(), reverse=True)]


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class StaffForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("岗位"), choices=_roles, validators=[DataRequired()])
    qualification_level = SelectField(_l("保育师等级"), choices=_levels, coerce=_int_or_none,
                                      validators=[Optional()])
    certificate_no = StringField(_l("职业资格证书编号"), validators=[Optional(), Length(max=60)])
    certificate_expires_on = DateField(_l("资格证书有效期至"), validators=[Optional()])
    health_cert_expires_on = DateField(_l("健康合格证有效期至"), validators=[Optional()])
    background_checked_on = DateField(_l("无犯罪记录查询日期"), validators=[Optional()])
    background_check_expires_on = DateField(_l("背景审查有效期至"), validators=[Optional()])
    active = BooleanField(_l("在职"), default=True)


class ShiftForm(FlaskForm):
    """A shift; `staff_member_id` and `group_id` choices are set by the view per centre."""

    staff_member_id = SelectField(_l("员工"), render_kw=USER_DATA, choices=lambda: [], coerce=_int_or_none,
                                  validators=[DataRequired()])
    group_id = SelectField(_l("班级"), render_kw=USER_DATA, choices=lambda: [], coerce=_int_or_none, validators=[Optional()])
    day = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期"))], earliest=date(2000, 1, 1),
                    latest=date(2099, 12, 31), range_message=_l("日期应在 2000–2099 年之间"))
    starts = TimeField(_l("上班时间（北京时间）"), validators=[DataRequired()])
    ends = TimeField(_l("下班时间（北京时间）"), validators=[DataRequired()])

    def validate_day(self, field):
        # Rosters are about this century; also keeps time-zone arithmetic in range.
        if field.data and not date(2000, 1, 1) <= field.data <= date(2099, 12, 31):
            raise ValidationError(_l("日期应在 2000–2099 年之间"))

    def instants(self) -> tuple[datetime, datetime]:
        """The local date and times as aware instants in Asia/Shanghai."""
        return (datetime.combine(self.day.data, self.starts.data, tzinfo=LOCAL),
                datetime.combine(self.day.data, self.ends.data, tzinfo=LOCAL))


class CopyWeekForm(FlaskForm):
    pass


class DeleteForm(FlaskForm):
    pass


