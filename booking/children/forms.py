from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..inputs import DateField
from ..i18n import USER_DATA


def optional_id(value):
    """'' (nothing chosen) → None; an id → int (a non-number fails as an invalid value)."""
    return None if value in (None, "") else int(value)


class ChildSelectField(SelectField):
    """One of the signed-in parent's children; the view sets `choices` to [(id, name)], so
    another family's child is refused here with a message, before any service runs."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", _l("请选择孩子"))
        kwargs.setdefault("invalid_choice_message", _l("请选择您的孩子"))
        super().__init__(label, validators, coerce=int, **kwargs)


def older_siblings_field():
    return IntegerField(
        _l("年长的兄弟姐妹人数"), default=0,
        validators=[Optional(), NumberRange(0, 10, message=_l("请填写 0 到 10 之间的整数"))],
        description=_l("含不在本平台登记的哥哥姐姐；用于二孩、三孩托费减免，机构可核对户口簿。"))


class ChildForm(FlaskForm):
    name = StringField(_l("孩子姓名"), validators=[DataRequired(_l("请填写孩子的姓名")),
                                                 Length(max=80, message=_l("姓名最多 80 个字"))])
    birth_date = DateField(_l("出生日期"), validators=[InputRequired(_l("请填写出生日期"))],
                           invalid_value_message=_l("请按 年-月-日 填写出生日期，例如 2025-03-01"))
    older_siblings = older_siblings_field()
    twin_of = SelectField(_l("与哪个孩子是双（多）胞胎"), render_kw=USER_DATA, coerce=optional_id,
                          invalid_value_message=_l("找不到这个孩子"),
                          invalid_choice_message=_l("找不到这个孩子"))


class OlderSiblingsForm(FlaskForm):
    older_siblings = older_siblings_field()
