"""The acknowledgement form; one per alert on the page (a prefix keeps their fields apart)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length


class AcknowledgeForm(FlaskForm):
    note = TextAreaField(_l("已采取的措施"), validators=[
        InputRequired(message=_l("请写明已采取的措施（如已报告疾控、已消毒）")),
        Length(max=1000, message=_l("最多 1000 字"))])


def form_for(alert_id: int, **kwargs) -> AcknowledgeForm:
    return AcknowledgeForm(prefix=f"ack{alert_id}", **kwargs)
