"""The centre's forms: generate a month's claim, submit it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Regexp

# Status names as a person reads them (the claim's workflow, docs/subsidies.md).
STATUS_LABELS = {"draft": _l("草稿"), "submitted": _l("已提交，待审核"), "approved": _l("已核准"),
                 "returned": _l("已退回，请修改后重新提交"), "rejected": _l("不予核准")}


class GenerateForm(FlaskForm):
    month = StringField(_l("月份（YYYY-MM）"), validators=[
        InputRequired(message=_l("请填写月份")),
        Regexp(r"^\d{4}-\d{2}$", message=_l("月份格式应为 YYYY-MM"))])


class SubmitForm(FlaskForm):
    pass
