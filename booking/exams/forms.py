from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, IntegerField, PasswordField,
                     SelectField, SelectMultipleField, StringField, TextAreaField, TimeField,
                     widgets)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..children.forms import optional_id
from ..i18n import USER_DATA
from ..inputs import DateField
from .exam_sessions import MAX_CAPACITY, MAX_DAYS
from .institutions import MAX_CUTOFF_HOURS
from .labels import ITEM_LABELS, KIND_LABELS, ROLE_LABELS


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class InstitutionForm(FlaskForm):
    name = StringField(_l("机构名称"), validators=[
        InputRequired(_l("请填写机构名称")), Length(max=120, message=_l("最多 120 个字"))])
    kind = SelectField(_l("机构类型"), choices=lambda: list(KIND_LABELS.items()),
                       invalid_choice_message=_l("请选择机构类型"))
    district_id = SelectField(_l("所在区县"), render_kw=USER_DATA, coerce=optional_id,
                              invalid_value_message=_l("请选择您辖区内的区县"),
                              invalid_choice_message=_l("请选择您辖区内的区县"))
    address = StringField(_l("地址"), validators=[Length(max=200, message=_l("最多 200 个字"))])
    phone = StringField(_l("电话"), validators=[Length(max=20, message=_l("最多 20 位"))])
    cancel_cutoff_hours = IntegerField(_l("家长可取消或改约至开始前（小时）"), default=24, validators=[
        InputRequired(_l("请填写取消截止小时数")),
        NumberRange(min=0, max=MAX_CUTOFF_HOURS, message=_l("应在 %(min)s 到 %(max)s 之间"))],
        invalid_value_message=_l("小时数应为整数"))
    active = BooleanField(_l("接受预约"), default=True)


class AccountForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[
        InputRequired(_l("请填写姓名")), Length(max=80, message=_l("最多 80 个字"))])
    role = SelectField(_l("岗位"), choices=lambda: list(ROLE_LABELS.items()),
                       invalid_choice_message=_l("请选择医生、护士或登记员"))
    email = EmailField(_l("邮箱"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("手机号"), validators=[Optional(), Length(max=20)])
    password = PasswordField(_l("初始密码"), validators=[InputRequired(_l("请填写初始密码"))])


class ExamSessionForm(FlaskForm):
    on_date = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期"))],
                        invalid_value_message=_l("请按 年-月-日 填写日期，例如 2026-12-01"))
    start = TimeField(_l("开始时间（北京时间）"), validators=[InputRequired(_l("请填写开始时间"))],
                      invalid_value_message=_l("请按 时:分 填写，例如 09:00"))
    end = TimeField(_l("结束时间"), validators=[InputRequired(_l("请填写结束时间"))],
                    invalid_value_message=_l("请按 时:分 填写，例如 11:00"))
    capacity = IntegerField(_l("名额"), validators=[
        InputRequired(_l("请填写名额")),
        NumberRange(min=1, max=MAX_CAPACITY, message=_l("名额应在 %(min)s 到 %(max)s 之间"))],
        invalid_value_message=_l("名额应为整数"))
    items = MultiCheckboxField(_l("体检项目"), choices=lambda: list(ITEM_LABELS.items()),
                               default=list(ITEM_LABELS),
                               validators=[InputRequired(_l("请选择体检项目"))],
                               invalid_choice_message=_l("请选择体检项目"))
    bring = TextAreaField(_l("请家长携带"), default=_l("疫苗接种证、母子健康手册"),
                          validators=[Length(max=500, message=_l("最多 500 个字"))])
    days = IntegerField(_l("连续几个工作日"), default=1, validators=[
        InputRequired(_l("只办一天填 1")),
        NumberRange(min=1, max=MAX_DAYS, message=_l("应在 %(min)s 到 %(max)s 之间"))],
        invalid_value_message=_l("天数应为整数"))


class CancelSessionForm(FlaskForm):
    reason = StringField(_l("取消原因（会告知家长）"),
                         validators=[Length(max=200, message=_l("最多 200 个字"))])


class MarkForm(FlaskForm):
    status = SelectField(_l("到场"), choices=lambda: [("arrived", _l("已到场")),
                                                    ("no_show", _l("爽约"))],
                         invalid_choice_message=_l("请选择到场或爽约"))


class BookForm(FlaskForm):
    session_id = IntegerField(validators=[InputRequired(_l("请选择场次"))],
                              invalid_value_message=_l("请选择场次"))
    reservation_id = HiddenField()


class MoveForm(FlaskForm):
    session_id = SelectField(_l("改约到"), coerce=optional_id,
                             validators=[InputRequired(_l("请选择场次"))],
                             invalid_value_message=_l("请选择场次"),
                             invalid_choice_message=_l("请选择场次"))


class PlainForm(FlaskForm):
    """A one-button post: its CSRF token only."""
