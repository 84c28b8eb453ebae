from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from ..children.forms import ChildSelectField, optional_id
from ..employers.queries import employers_with_quota
from ..i18n import USER_DATA
from .labels import TIER_LABELS
from .services import CLAIMED_TIERS


def optional_text(value):
    return value or None


class JoinForm(FlaskForm):
    child_id = ChildSelectField(_l("为哪个孩子候补"))
    tier = SelectField(_l("申报优先类别（可选）"), coerce=optional_text,
                       invalid_choice_message=_l("请选择列出的优先类别"))
    evidence = TextAreaField(_l("证明材料说明"), validators=[
        Length(max=500, message=_l("最多 500 个字"))])
    # Asked only at a slot with employer quotas (docs/employers.md).
    employer_id = SelectField(_l("工作的用人单位"), coerce=optional_id, render_kw=USER_DATA,
                              invalid_choice_message=_l("该托位没有这个用人单位的名额"))


def join_form(slot, children, *, child_id=None, formdata=None) -> JoinForm:
    """The waitlist form for `slot`: the parent's children, and the tiers a family may claim
    at this centre (special-needs priority only where the centre is a special-needs one;
    the service checks the same)."""
    form = JoinForm(formdata=formdata) if formdata is not None else JoinForm(
        formdata=None, child_id=child_id)
    form.child_id.choices = [(c.id, c.name) for c in children]
    tiers = [t for t in CLAIMED_TIERS
             if t != "special_needs" or slot.centre.kind == "special_needs"]
    form.tier.choices = [("", _("不申报"))] + [(t, TIER_LABELS[t]) for t in tiers]
    form.employer_id.choices = [("", _("不选择"))] + [
        (e.id, e.name) for e in employers_with_quota(slot.id)]
    return form
