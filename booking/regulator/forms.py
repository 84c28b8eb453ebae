from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, IntegerField, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..inputs import DateField


ACTIONS = (("approve", _l("通过备案（发放备案号）")), ("return", _l("退回补正")),
           ("suspend", _l("暂停该机构服务")), ("reinstate", _l("恢复服务")),
           ("close", _l("注销（停止服务）")))
ENDS_PLACES = ("suspend", "close")
NEEDS_REASON = ("return", "suspend", "close")


class DecisionForm(FlaskForm):
    """The regulator's decision on a filing: only the actions its state allows are offered;
    one that ends families' places is confirmed knowing how many (`affected`)."""

    action = SelectField(_l("处理"), validators=[DataRequired()])
    reasons = TextAreaField(_l("理由"), validators=[Optional(), Length(max=2000)])
    understood = BooleanField(_l("我已知晓：这将结束上述家庭的预约和在托，并通知每个家庭"))

    def __init__(self, allowed: set[str], affected: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [(k, label) for k, label in ACTIONS if k in allowed]
        self.affected = affected

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not ok:
            return False
        # Both refusals at once: the reason the service asks for too, and the confirmation.
        if self.action.data in NEEDS_REASON and not (self.reasons.data or "").strip():
            self.reasons.errors = [_l("请说明理由")]
            ok = False
        if self.action.data in ENDS_PLACES and self.affected["families"] \
                and not self.understood.data:
            self.understood.errors = [_l("暂停或注销会结束 %(n)s 个家庭的托位，请勾选确认",
                                         n=self.affected["families"])]
            ok = False
        return ok


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
    return IntegerField(label, validators=[
        DataRequired(_l("请填写得分")),
        NumberRange(min=0, max=top, message=_l("得分应在 0 到 %(max)s 之间"))])


class InspectionForm(FlaskForm):
    inspected_on = DateField(_l("检查日期"), validators=[InputRequired(_l("请按 年-月-日 填写日期"))])
    conditions = _score_field(_l("办托条件（满分 100）"), 100)
    staff = _score_field(_l("托育队伍（满分 140）"), 140)
    care = _score_field(_l("保育照护（满分 200）"), 200)
    health = _score_field(_l("卫生保健（满分 210）"), 210)
    parenting = _score_field(_l("养育支持（满分 80）"), 80)
    safety = _score_field(_l("安全保障（满分 200）"), 200)
    management = _score_field(_l("机构管理（满分 70）"), 70)
    basic_failed = BooleanField(_l("有基本指标不达标（直接评为 D）"))
    findings = TextAreaField(_l("发现的问题"), validators=[Optional(), Length(max=4000)])
    fix_deadline = DateField(_l("整改期限"), validators=[Optional()])
