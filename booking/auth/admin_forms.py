from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional


class UserCreateForm(FlaskForm):
    role = SelectField(_l("角色"), choices=lambda: [
        ("staff", _l("机构工作人员")), ("regulator", _l("监管人员")), ("admin", _l("管理员"))], validators=[DataRequired()])
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=80)])
    email = EmailField(_l("邮箱"), validators=[DataRequired(_l("请填写邮箱")),
                                              Email(_l("邮箱格式不正确")), Length(max=254)])
    password = PasswordField(_l("初始密码"), validators=[
        DataRequired(_l("请填写初始密码")), Length(min=8, max=128, message=_l("密码长度为 8 到 128 个字符"))])
    centre = SelectField(_l("所属机构（工作人员）"), choices=[], validators=[Optional()])
    district = SelectField(_l("所辖区县（监管人员，可不选）"), choices=[], validators=[Optional()])
