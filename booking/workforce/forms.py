from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from ..inputs import DateField, DecimalField


class IdNumberForm(FlaskForm):
    id_number = StringField(_l("身份证号"), validators=[
        InputRequired(_l("请填写身份证号")), Length(min=18, max=18, message=_l("身份证号应为 18 位（最后一位可为 X）"))],
        render_kw={"autocomplete": "off", "inputmode": "text"})


class TrainingForm(FlaskForm):
    on_date = DateField(_l("培训日期"), validators=[InputRequired(_l("请填写日期"))])
    hours = DecimalField(_l("学时"), places=1, validators=[InputRequired(_l("请填写学时"))],
                         invalid_value_message=_l("学时应为数字，例如 2 或 1.5"))
    topic = StringField(_l("培训内容"), validators=[InputRequired(_l("请填写培训内容")),
                                                 Length(max=120)])
