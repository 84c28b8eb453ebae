"""The public search form (GET, so no CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from .bands import AGE_BANDS, CARE_TYPES, CENTRE_KINDS, PLACE_CATEGORIES


def _choices(mapping, blank):
    """Choices as a callable: labels are read per request (in its language), and WTForms 3.3
    deprecates lists of tuples passed to the constructor."""
    return lambda: [("", blank)] + [(k, v) for k, v in mapping.items()]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("关键词"), validators=[Optional(), Length(max=100)])
    city = SelectField(_l("城市"), choices=[], validators=[Optional()], validate_choice=True)
    district = SelectField(_l("区县"), choices=[], validators=[Optional()], validate_choice=True)
    subdistrict = StringField(_l("街道"), validators=[Optional(), Length(max=60)])
    age_band = SelectField(_l("班型"), choices=_choices({k: b.label for k, b in AGE_BANDS.items()}, _l("全部班型")),
                           validators=[Optional()])
    category = SelectField(_l("托位类别"), choices=_choices(PLACE_CATEGORIES, _l("全部类别")),
                           validators=[Optional()])
    care_type = SelectField(_l("托育类型"), choices=_choices(CARE_TYPES, _l("全日或半日")),
                            validators=[Optional()])
    kind = SelectField(_l("机构类型"), choices=_choices(CENTRE_KINDS, _l("全部类型")),
                       validators=[Optional()])
    has_places = BooleanField(_l("只看有空位的"))
