from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..inputs import DateField
from ..children.forms import ChildSelectField, optional_id
from .labels import STATUS_LABELS


class ReserveForm(FlaskForm):
    child_id = ChildSelectField(_l("为哪个孩子预约"))
    # 转托: the centre page's 申请转托 button posts 1; a hold for an enrolled child elsewhere.
    transfer = HiddenField()

    @property
    def is_transfer(self) -> bool:
        return (self.transfer.data or "").strip().lower() in ("1", "true", "y", "yes", "on")


class StaffFilterForm(FlaskForm):
    """The staff list's filters: a GET form, so no CSRF token and bookmarkable."""

    class Meta:
        csrf = False

    slot = SelectField(_l("托位"), coerce=optional_id, invalid_value_message=_l("托位不存在"),
                       invalid_choice_message=_l("托位不存在"))
    status = SelectField(_l("状态"), default="live", invalid_choice_message=_l("状态无效"),
                         choices=lambda: [("live", _l("保留中和已入托")),
                                          *STATUS_LABELS.items(), ("all", _l("全部"))])


class ExtendForm(FlaskForm):
    until = DateField(_l("保留至（含当天）"),
                      validators=[InputRequired(message=_l("请选择新的保留日期"))],
                      invalid_value_message=_l("请按 年-月-日 填写日期，例如 2026-11-30"))


class WithdrawForm(FlaskForm):
    """An enrolment ends (离园): the last day in care and why."""

    on_date = DateField(_l("离园日期"), validators=[InputRequired(_l("请填写离园日期"))],
                        invalid_value_message=_l("请按 年-月-日 填写日期，例如 2026-11-30"))
    reason = StringField(_l("离园原因"), validators=[
        DataRequired(_l("请填写离园原因")), Length(max=200, message=_l("最多 200 个字"))])


class LeavingChangeForm(FlaskForm):
    """Staff correct a leaving date still ahead, or tick `stays` to undo it."""

    on_date = DateField(_l("新的离园日期"), validators=[Optional()],
                        invalid_value_message=_l("请按 年-月-日 填写日期，例如 2026-11-30"))
    stays = BooleanField(_l("撤销离园（孩子继续在园）"))
    reason = StringField(_l("更改原因"), validators=[
        DataRequired(_l("请填写更改原因")), Length(max=200, message=_l("最多 200 个字"))])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.on_date.data is None and not self.stays.data:
            self.on_date.errors.append(_l("请填写新的离园日期，或选择撤销离园"))
            return False
        return ok


class CancelForm(FlaskForm):
    """Cancelling a hold, confirmed on a page that says what follows. The centre gives the
    family its reason (`staff_cancel` makes it required)."""

    reason = TextAreaField(_l("取消原因"), validators=[
        Optional(), Length(max=200, message=_l("最多 200 个字"))])


class StaffCancelForm(CancelForm):
    reason = TextAreaField(_l("取消原因（会告知家长）"), validators=[
        DataRequired(_l("请填写取消原因，家长会收到")), Length(max=200, message=_l("最多 200 个字"))])
