from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..inputs import DateField
from ..children.forms import ChildSelectField, optional_id
from .labels import STATUS_LABELS


class ReserveForm(FlaskForm):
    child_id = ChildSelectField(_l("为哪个孩子预约"))


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
