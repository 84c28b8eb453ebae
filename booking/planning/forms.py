from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length


class BirthsForm(FlaskForm):
    """A subdistrict's births for a year; the service checks the numbers (services.set_births)."""

    subdistrict = StringField(_l("街道"), validators=[InputRequired(_l("请填写街道名称")),
                                                    Length(max=60)],
                              render_kw={"list": "subdistricts", "autocomplete": "off"})
    new_subdistrict = BooleanField(_l("新街道（本区县尚未登记过）"))
    year = StringField(_l("年份"), validators=[InputRequired(_l("请填写年份"))],
                       render_kw={"inputmode": "numeric"})
    births = StringField(_l("出生人数"), validators=[InputRequired(_l("请填写出生人数"))],
                         render_kw={"inputmode": "numeric"})
