"""The pickup list's form (a person the guardians allow to collect the child)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from ..health.attachments import DEFAULT_MAX_BYTES


class PersonForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[
        DataRequired(_l("请填写姓名")), Length(max=80, message=_l("最多 80 个字"))])
    relation = StringField(_l("与孩子的关系"), validators=[
        DataRequired(_l("请填写与孩子的关系")), Length(max=20, message=_l("最多 20 个字"))])
    phone = StringField(_l("电话"), validators=[
        DataRequired(_l("请填写电话")), Length(max=20, message=_l("最多 20 个字符"))])
    id_last4 = StringField(_l("身份证号后四位"), validators=[
        DataRequired(_l("请填写身份证号后四位")),
        Length(min=4, max=4, message=_l("请填写身份证号后四位（数字，最后一位可以是 X）"))])
    photo = FileField(_l("照片（可选）"), validators=[
        FileAllowed(["jpg", "jpeg", "png"], _l("照片只能是 JPG 或 PNG 图片")),
        FileSize(max_size=DEFAULT_MAX_BYTES, message=_l("文件不能超过 5 MB"))])
    drop_photo = BooleanField(_l("删除现有照片"))
