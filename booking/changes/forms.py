"""The change filing's forms: the director's change, the regulator's decision."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .models import NOTE_MAX

_NOTE = Length(max=NOTE_MAX, message=_l("最多 %(max)d 个字符"))


class ChangeForm(FlaskForm):
    """Each field empty by default: only what is filled in (and differs) is part of the change."""
    address = StringField(_l("新地址"), validators=[
        Optional(), Length(max=200, message=_l("最多 %(max)d 个字符"))])
    capacity = IntegerField(_l("新核定托位数"), validators=[
        Optional(), NumberRange(min=1, max=2000, message=_l("托位数应为 1 到 2000 之间的整数"))])
    manager = StringField(_l("新负责人"), validators=[
        Optional(), Length(max=60, message=_l("最多 %(max)d 个字符"))])
    scope = StringField(_l("新服务范围（年龄段、托育类型）"), validators=[
        Optional(), Length(max=200, message=_l("最多 %(max)d 个字符"))])
    opening_hours = StringField(_l("新服务时间"), validators=[
        Optional(), Length(max=40, message=_l("最多 %(max)d 个字符"))])
    materials = TextAreaField(_l("提交的材料"), validators=[
        InputRequired(message=_l("请列出随变更提交的材料")), _NOTE])

    def values(self) -> dict:
        return {k: getattr(self, k).data for k in ("address", "capacity", "manager", "scope",
                                                   "opening_hours")}


class DecideForm(FlaskForm):
    action = RadioField(_l("办理结果"), choices=lambda: [
        ("approve", str(_l("予以备案"))), ("return", str(_l("退回补正"))),
        ("reject", str(_l("不予备案")))],
        validators=[InputRequired(message=_l("请选择办理结果"))])
    reason = TextAreaField(_l("理由（退回或不予备案时必填，将告知机构）"), validators=[_NOTE])
