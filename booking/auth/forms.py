from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp


class LoginForm(FlaskForm):
    login = StringField(_l("邮箱或手机号"), validators=[DataRequired(_l("请填写邮箱或手机号")),
                                                     Length(max=254)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码")),
                                                   Length(max=128)])
    remember = BooleanField(_l("记住我"))


class SignupForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=80)])
    email = EmailField(_l("邮箱"), validators=[Optional(), Email(_l("邮箱格式不正确")),
                                              Length(max=254)])
    phone = TelField(_l("手机号"), validators=[
        Optional(), Regexp(r"^1[3-9]\d{9}$", message=_l("请填写 11 位中国大陆手机号"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码")),
                                                   Length(min=8, max=128, message=_l("密码长度为 8 到 128 个字符"))])
    confirm = PasswordField(_l("再次输入密码"), validators=[
        DataRequired(_l("请再次输入密码")), EqualTo("password", _l("两次输入的密码不一致"))])
    consent = BooleanField(_l("我是孩子的监护人，同意平台按《个人信息保护法》为预约入托处理孩子的个人信息（含健康信息）"),
                           validators=[DataRequired(_l("需要您的同意才能注册"))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请填写当前密码"))])
    new_password = PasswordField(_l("新密码"), validators=[
        DataRequired(_l("请填写新密码")),
        Length(min=8, max=128, message=_l("密码长度为 8 到 128 个字符"))])
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(_l("请再次输入新密码")), EqualTo("new_password", _l("两次输入的密码不一致"))])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("新密码"), validators=[
        DataRequired(_l("请填写新密码")),
        Length(min=8, max=128, message=_l("密码长度为 8 到 128 个字符"))])
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(_l("请再次输入新密码")), EqualTo("new_password", _l("两次输入的密码不一致"))])
def staff_role_choices():
    return [("director", _l("负责人")), ("carer", _l("保育人员")), ("health", _l("保健人员")),
            ("finance", _l("财务"))]


class StaffInviteForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=80)])
    email = EmailField(_l("邮箱"), validators=[DataRequired(_l("请填写邮箱")),
                                              Email(_l("邮箱格式不正确")), Length(max=254)])
    staff_role = SelectField(_l("岗位"), choices=staff_role_choices,
                             validators=[DataRequired(_l("请选择岗位"))])


class StaffRoleForm(FlaskForm):
    staff_role = SelectField(_l("岗位"), choices=staff_role_choices,
                             validators=[DataRequired(_l("请选择岗位"))])


class AcceptInviteForm(FlaskForm):
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码")),
                                                   Length(min=8, max=128, message=_l("密码长度为 8 到 128 个字符"))])
    confirm = PasswordField(_l("再次输入密码"), validators=[
        DataRequired(_l("请再次输入密码")), EqualTo("password", _l("两次输入的密码不一致"))])
