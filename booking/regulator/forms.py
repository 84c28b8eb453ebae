from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class DecisionForm(FlaskForm):
    action = SelectField(_l("处理"), choices=lambda: [
        ("approve", _l("通过备案（发放备案号）")), ("return", _l("退回补正")),
        ("suspend", _l("暂停服务")), ("reinstate", _l("恢复服务")), ("close", _l("注销（停止服务）"))],
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
