from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..inputs import DateField
from ..regulator.forms import ACTIONS

_REQUIRED = _l("此项必填")


class OperatorForm(FlaskForm):
    name = StringField(_l("名称"), validators=[DataRequired(_REQUIRED), Length(max=120)])
    credit_code = StringField(_l("统一社会信用代码"),
                              validators=[DataRequired(_REQUIRED), Length(max=24)])
    legal_representative = StringField(_l("法定代表人"),
                                       validators=[DataRequired(_REQUIRED), Length(max=60)])
    district = SelectField(_l("登记所在区县"), validators=[DataRequired(_REQUIRED)])
    address = StringField(_l("注册地址"), validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("联系人"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=20)])

    def __init__(self, districts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = [(d.code, d.name) for d in districts]


class LinkForm(FlaskForm):
    centre_id = SelectField(_l("机构"), coerce=int, validators=[DataRequired(_REQUIRED)])
    from_date = DateField(_l("起始日期"), validators=[Optional()])

    def __init__(self, centres, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre_id.choices = [(c.id, c.name) for c in centres]


class DecideAllForm(FlaskForm):
    """One decision for every centre the operator runs in the scope; confirmed, as a single
    centre's is, knowing how many families it ends the places of (`affected`)."""

    action = SelectField(_l("处理"), validators=[DataRequired(_REQUIRED)])
    reasons = TextAreaField(_l("理由"), validators=[DataRequired(_l("请说明理由")),
                                                    Length(max=2000)])
    effective_on = DateField(_l("生效日期"), validators=[Optional()])
    understood = BooleanField(_l("我已知晓：这将结束上述家庭的预约和在托，并通知每个家庭"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [(k, v) for k, v in ACTIONS if k in ("suspend", "close")]


class ManagerForm(FlaskForm):
    """Appoint a 运营负责人: an existing staff account of the operator's centres, or a new one."""
    user_id = SelectField(_l("已有账号"), coerce=int, validators=[Optional()])
    name = StringField(_l("新账号姓名"), validators=[Optional(), Length(max=80)])
    email = StringField(_l("新账号邮箱"), validators=[Optional(), Length(max=254)])
    password = PasswordField(_l("新账号初始密码"), validators=[Optional(), Length(max=128)])

    def __init__(self, accounts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(0, _l("（新建账号）"))] + [
            (u.id, f"{u.name} · {u.email or ''}") for u in accounts]


class AssignForm(FlaskForm):
    centre_id = SelectField(_l("机构"), coerce=int, validators=[DataRequired(_REQUIRED)])
    staff_role = SelectField(_l("岗位"), validators=[DataRequired(_REQUIRED)])

    def __init__(self, centres, roles, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre_id.choices = [(c.id, c.name) for c in centres]
        self.staff_role.choices = roles
