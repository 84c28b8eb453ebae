"""The public search form (GET, so no CSRF token); a centre's own sign-up."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, FloatField, HiddenField, PasswordField, RadioField,
                     SelectField, StringField, ValidationError)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from . import geo

from .bands import AGE_BANDS, CARE_TYPES, CENTRE_KINDS, PLACE_CATEGORIES
from ..i18n import USER_DATA


def _choices(mapping, blank):
    """Choices as a callable: labels are read per request (in its language), and WTForms 3.3
    deprecates lists of tuples passed to the constructor."""
    return lambda: [("", blank)] + [(k, v) for k, v in mapping.items()]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("关键词"), validators=[Optional(), Length(max=100)])
    city = SelectField(_l("城市"), render_kw=USER_DATA, choices=[], validators=[Optional()], validate_choice=True)
    district = SelectField(_l("区县"), render_kw=USER_DATA, choices=[], validators=[Optional()], validate_choice=True)
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
    # 就近 (docs/search.md): the origin is a shared location (near, filled by
    # static/js/nearby.js, WGS-84 from the browser) or a district or subdistrict picked here.
    origin = SelectField(_l("距离起点"), render_kw=USER_DATA, choices=[], validators=[Optional()], validate_choice=False)
    near = HiddenField(validators=[Optional(), Length(max=60)])
    datum = HiddenField(validators=[Optional()])
    radius = RadioField(_l("距离范围"), choices=lambda: [("", _l("不限"))] + [
        (str(km), _l("%(km)s 公里内", km=km)) for km in geo.RADII_KM], validators=[Optional()],
        default="")

    def validate_near(self, field):
        if field.data:
            try:
                geo.parse_point(field.data)
            except ValueError:
                raise ValidationError(_l("位置格式不正确"))

    def validate_datum(self, field):
        if field.data and field.data not in ("gcj02", "wgs84"):
            raise ValidationError(_l("坐标系无效"))


class LocationForm(FlaskForm):
    """A centre's point, GCJ-02, as AMap's or Tencent's coordinate picker shows it."""

    latitude = FloatField(_l("纬度"), validators=[Optional(), NumberRange(
        min=geo.CHINA_LAT[0], max=geo.CHINA_LAT[1], message=_l("纬度应在 %(min)s 到 %(max)s 之间（中国境内）"))])
    longitude = FloatField(_l("经度"), validators=[Optional(), NumberRange(
        min=geo.CHINA_LNG[0], max=geo.CHINA_LNG[1], message=_l("经度应在 %(min)s 到 %(max)s 之间（中国境内）"))])


class CentreSignupForm(FlaskForm):
    """A centre signing up on its own: the centre, and its director's account."""

    name = StringField(_l("机构名称"), validators=[
        DataRequired(_l("请填写机构名称")), Length(max=120)])
    kind = SelectField(_l("机构类型"), choices=lambda: list(CENTRE_KINDS.items()),
                       validators=[DataRequired()])
    district = SelectField(_l("所在区县"), render_kw=USER_DATA, choices=[], validators=[DataRequired(_l("请选择区县"))])
    subdistrict = StringField(_l("街道（乡镇）"), validators=[
        DataRequired(_l("请填写街道")), Length(max=60)])
    address = StringField(_l("地址"), validators=[
        DataRequired(_l("请填写地址")), Length(max=200)])
    operator = StringField(_l("举办者（法人单位）"), validators=[
        DataRequired(_l("请填写举办者")), Length(max=160)])
    contact_name = StringField(_l("联系人姓名"), validators=[
        DataRequired(_l("请填写姓名")), Length(max=80)])
    email = EmailField(_l("联系人邮箱（用于登录）"), validators=[
        DataRequired(_l("请填写邮箱")), Email(_l("邮箱格式不正确")), Length(max=254)])
    password = PasswordField(_l("密码"), validators=[
        DataRequired(_l("请填写密码")),
        Length(min=8, max=128, message=_l("密码长度为 8 到 128 个字符"))])
