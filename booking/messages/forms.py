"""Messages pages' forms. The rules (empty, too long, the files' type and size) are the
services' and are checked there for pages and the API alike; the forms only carry the input
and give the phone's keyboard its limits."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from .models import BULLETIN_BODY, BULLETIN_TITLE, MAX_BODY
from ..i18n import USER_DATA


class MessageForm(FlaskForm):
    body = TextAreaField(_l("消息"), render_kw={"maxlength": MAX_BODY, "rows": 3})
    attachments = MultipleFileField(_l("照片或文件（可选）"))


class OpenThreadForm(FlaskForm):
    child_id = IntegerField(validators=[InputRequired()])
    centre_id = IntegerField(validators=[Optional()])


class BulletinForm(FlaskForm):
    group_id = SelectField(_l("发给"), render_kw=USER_DATA, coerce=str,
                           invalid_choice_message=_l("请选择全园或一个班级"))
    title = StringField(_l("标题"), render_kw={"maxlength": BULLETIN_TITLE})
    body = TextAreaField(_l("内容"), render_kw={"maxlength": BULLETIN_BODY, "rows": 6})
