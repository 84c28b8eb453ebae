"""The round's forms: the regulator's new round, the family's application and its choices."""
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from ..children.forms import ChildSelectField
from ..clock import LOCAL
from ..sessions.forms import MultiCheckboxField
from ..waitlists.labels import TIER_LABELS
from ..waitlists.models import DEFAULT_TIERS
from .applications import CLAIMED_TIERS

FORMAT = "%Y-%m-%dT%H:%M"


def local_instant(value: datetime | None) -> datetime | None:
    """A form's Beijing wall-clock time as an aware instant."""
    return None if value is None else value.replace(tzinfo=LOCAL)


def local_wall(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(LOCAL).replace(tzinfo=None)


class RoundForm(FlaskForm):
    name = StringField(_l("轮次名称"), validators=[
        InputRequired(message=_l("请填写轮次名称")), Length(max=120, message=_l("最多 120 个字"))])
    slot_ids = MultiCheckboxField(_l("参加派位的托位"), coerce=int)
    opens_at = DateTimeLocalField(_l("申请开始（北京时间）"), format=FORMAT, validators=[
        InputRequired(message=_l("请填写申请开始时间"))])
    closes_at = DateTimeLocalField(_l("申请截止（北京时间）"), format=FORMAT, validators=[
        InputRequired(message=_l("请填写申请截止时间"))])
    max_choices = IntegerField(_l("每个孩子最多填报的志愿数"), default=5, validators=[
        InputRequired(message=_l("请填写志愿数")),
        NumberRange(1, 10, message=_l("志愿数应在 1 到 10 之间"))])
    offer_days = IntegerField(_l("家庭答复期限（天）"), default=7, validators=[
        InputRequired(message=_l("请填写答复期限")),
        NumberRange(1, 60, message=_l("答复期限应在 1 到 60 天之间"))])
    tiers = MultiCheckboxField(_l("计入的优先类别（按国家默认顺序）"))


def round_form(slots, formdata=None) -> RoundForm:
    """`slots`: the public and affordable slots the regulator may put in a round."""
    form = RoundForm(formdata=formdata) if formdata is not None else RoundForm(
        formdata=None, tiers=[t for t in DEFAULT_TIERS if t != "everyone"])
    form.slot_ids.choices = [(s.id, "") for s in slots]
    form.tiers.choices = [(t, TIER_LABELS[t]) for t in DEFAULT_TIERS if t != "everyone"]
    return form


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class _ChoicesBase(FlaskForm):
    def choices_chosen(self) -> list[int]:
        return [f.data for f in self.choice_fields() if f.data is not None]

    def choice_fields(self):
        return [f for f in self if f.name.startswith("choice_")]


def _with_choices(base, n: int):
    """A form class of `base` with `n` ranked choice fields (their options: _offer)."""
    attrs = {}
    for i in range(1, n + 1):
        attrs[f"choice_{i}"] = SelectField(
            _l("第 %(n)s 志愿", n=i), coerce=_optional_int,
            invalid_choice_message=_l("请选择本轮的托位"))
    return type(f"{base.__name__}{n}", (base,), attrs)


def _offer(form, slots):
    """Each choice field offers the round's slots, [(slot, label)], or nothing."""
    options = [("", _("（不填）"))] + [(s.id, label) for s, label in slots]
    for f in form.choice_fields():
        f.choices = options
    return form


class _ApplyBase(_ChoicesBase):
    child_id = ChildSelectField(_l("为哪个孩子申请"))
    tier = SelectField(_l("申报优先类别（可选）"),
                       coerce=lambda v: v or None,
                       invalid_choice_message=_l("请选择列出的优先类别"))
    evidence = TextAreaField(_l("证明材料说明"), validators=[
        Length(max=500, message=_l("最多 500 个字"))])


def apply_form(rnd, slots, children, *, formdata=None, first=None, child_id=None):
    """The application form: the child, `max_choices` ranked choices among `slots`
    ([(slot, label)]), a claimed tier and its evidence."""
    cls = _with_choices(_ApplyBase, rnd.max_choices)
    form = cls(formdata=formdata) if formdata is not None else cls(
        formdata=None, child_id=child_id, choice_1=first)
    form.child_id.choices = [(c.id, c.name) for c in children]
    form.tier.choices = [("", _("不申报"))] + [(t, TIER_LABELS[t]) for t in CLAIMED_TIERS]
    return _offer(form, slots)


def choices_form(rnd, slots, *, formdata=None, current=None):
    """The ranked choices alone, filled with `current` (slot ids)."""
    cls = _with_choices(_ChoicesBase, rnd.max_choices)
    if formdata is not None:
        return _offer(cls(formdata=formdata), slots)
    current = current or []
    return _offer(cls(formdata=None, **{f"choice_{i}": sid for i, sid in enumerate(current, 1)}),
                  slots)
