from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp
from ..i18n import USER_DATA


def _scope_choices():
    return [("district", _l("一个区县")), ("city", _l("一个城市")), ("national", _l("全国"))]


class ScopeFields:
    """A regulator's jurisdiction, always chosen: a district, a city, or the whole country,
    the last only with its own confirmation (never by leaving fields blank)."""

    scope = RadioField(_l("监管辖区"), choices=_scope_choices, validators=[Optional()])
    district = SelectField(_l("区县"), render_kw=USER_DATA, choices=[], validators=[Optional()])
    city = SelectField(_l("城市"), render_kw=USER_DATA, choices=[], validators=[Optional()])
    national_confirm = BooleanField(_l("我确认该监管账号可查看全国所有机构和家庭的记录"))


class UserCreateForm(ScopeFields, FlaskForm):
    role = SelectField(_l("角色"), choices=lambda: [
        ("staff", _l("机构工作人员")), ("regulator", _l("监管人员")), ("admin", _l("管理员"))], validators=[DataRequired()])
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=80)])
    email = EmailField(_l("邮箱"), validators=[DataRequired(_l("请填写邮箱")),
                                              Email(_l("邮箱格式不正确")), Length(max=254)])
    password = PasswordField(_l("初始密码"), validators=[
        DataRequired(_l("请填写初始密码")), Length(min=8, max=128, message=_l("密码长度为 8 到 128 个字符"))])
    centre = SelectField(_l("所属机构（工作人员）"), render_kw=USER_DATA, choices=[], validators=[Optional()])


class UserEditForm(ScopeFields, FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=80)])
    email = EmailField(_l("邮箱"), validators=[Optional(), Email(_l("邮箱格式不正确")),
                                              Length(max=254)])
    phone = TelField(_l("手机号"), validators=[
        Optional(), Regexp(r"^1[3-9]\d{9}$", message=_l("请填写 11 位中国大陆手机号"))])


class ConfirmForm(FlaskForm):
    """The buttons that change an account (deactivate, reactivate, reset link): CSRF only."""
