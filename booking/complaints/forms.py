"""The complaint's forms: filing (public), the centre's account, the regulator's outcome."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from .labels import CATEGORY_LABELS, OUTCOME_LABELS
from .models import BODY_MAX

_BODY = Length(max=BODY_MAX, message=_l("最多 %(max)d 个字符"))


class ComplaintForm(FlaskForm):
    category = SelectField(_l("投诉类别"), choices=lambda: [("", "—")] + [
        (k, str(v)) for k, v in CATEGORY_LABELS.items()])
    body = TextAreaField(_l("投诉内容"), validators=[
        InputRequired(message=_l("请写明投诉的事实")), _BODY])
    anonymous = BooleanField(_l("匿名投诉（不关联我的账号）"))
    contact = StringField(_l("联系方式（手机号或邮箱）"), validators=[
        Optional(), Length(max=120, message=_l("最多 %(max)d 个字符"))])


class AccountForm(FlaskForm):
    account = TextAreaField(_l("机构说明"), validators=[
        InputRequired(message=_l("请写明机构的说明")), _BODY])


class CloseForm(FlaskForm):
    outcome = RadioField(_l("处理结果"), choices=lambda: [
        (k, str(v)) for k, v in OUTCOME_LABELS.items()],
        validators=[InputRequired(message=_l("请选择处理结果"))])
    text = TextAreaField(_l("处理意见（将告知投诉人）"), validators=[
        InputRequired(message=_l("请写明处理意见")), _BODY])
    open_inspection = BooleanField(_l("启动对该机构的检查"))


class AskForm(FlaskForm):
    """The one-button ask (CSRF only)."""
