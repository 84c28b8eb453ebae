from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..centres.bands import CENTRE_KINDS


class DecisionForm(FlaskForm):
    action = SelectField(_l("处理"), choices=lambda: [
        ("approve", _l("通过备案（发放备案号）")), ("return", _l("退回补正")),
        ("suspend", _l("暂停该机构服务")), ("reinstate", _l("恢复服务")), ("close", _l("注销（停止服务）"))],
        validators=[DataRequired()])
    reasons = TextAreaField(_l("理由"), validators=[Optional(), Length(max=2000)])


class FilingForm(FlaskForm):
    legal_entity_cert_no = StringField(_l("法人登记证书编号"), validators=[Optional(), Length(max=40)])
    premises = StringField(_l("场地（地址、面积、产权或租赁）"), validators=[Optional(), Length(max=200)])
    fire_safety_ref = StringField(_l("消防验收或备案文号"), validators=[Optional(), Length(max=80)])
    health_evaluation_ref = StringField(_l("卫生评价报告编号"), validators=[Optional(), Length(max=80)])
    food_licence_ref = StringField(_l("食品经营许可证编号（提供膳食的）"), validators=[Optional(), Length(max=80)])
    commitment_signed = BooleanField(_l("我单位承诺所填信息真实，并遵守托育机构管理规范（备案承诺书）"))
    save = SubmitField(_l("保存"))
    submit_filing = SubmitField(_l("提交备案"))


def _score_field(label, top):
    from wtforms import IntegerField
    from wtforms.validators import NumberRange
    return IntegerField(label, validators=[
        DataRequired(_l("请填写得分")),
        NumberRange(min=0, max=top, message=_l("得分应在 0 到 %(max)s 之间"))])


class InspectionForm(FlaskForm):
    from ..inputs import DateField as _DateField

    inspected_on = _DateField(_l("检查日期"), validators=[InputRequired(_l("请按 年-月-日 填写日期"))])
    conditions = _score_field(_l("办托条件（满分 100）"), 100)
    staff = _score_field(_l("托育队伍（满分 140）"), 140)
    care = _score_field(_l("保育照护（满分 200）"), 200)
    health = _score_field(_l("卫生保健（满分 210）"), 210)
    parenting = _score_field(_l("养育支持（满分 80）"), 80)
    safety = _score_field(_l("安全保障（满分 200）"), 200)
    management = _score_field(_l("机构管理（满分 70）"), 70)
    basic_failed = BooleanField(_l("有基本指标不达标（直接评为 D）"))
    findings = TextAreaField(_l("发现的问题"), validators=[Optional(), Length(max=4000)])
    fix_deadline = _DateField(_l("整改期限"), validators=[Optional()])


class CentreSignupForm(FlaskForm):
    from wtforms import EmailField as _EmailField
    from wtforms import PasswordField as _PasswordField
    from wtforms.validators import Email as _Email

    name = StringField(_l("机构名称"), validators=[DataRequired(_l("请填写机构名称")), Length(max=120)])
    kind = SelectField(_l("机构类型"), choices=lambda: list(CENTRE_KINDS.items()),
                       validators=[DataRequired()])
    district = SelectField(_l("所在区县"), choices=[], validators=[DataRequired(_l("请选择区县"))])
    subdistrict = StringField(_l("街道（乡镇）"), validators=[DataRequired(_l("请填写街道")), Length(max=60)])
    address = StringField(_l("地址"), validators=[DataRequired(_l("请填写地址")), Length(max=200)])
    operator = StringField(_l("举办者（法人单位）"), validators=[DataRequired(_l("请填写举办者")), Length(max=160)])
    contact_name = StringField(_l("联系人姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=80)])
    email = _EmailField(_l("联系人邮箱（用于登录）"), validators=[
        DataRequired(_l("请填写邮箱")), _Email(_l("邮箱格式不正确")), Length(max=254)])
    password = _PasswordField(_l("密码"), validators=[
        DataRequired(_l("请填写密码")), Length(min=8, max=128, message=_l("密码长度为 8 到 128 个字符"))])
