from flask_wtf import FlaskForm
from wtforms import BooleanField

from .preferences import CHANNEL_LABELS, CHOOSABLE, GROUPS


def field_name(group: str, channel: str) -> str:
    return f"{group}__{channel}"


class PreferencesForm(FlaskForm):
    """One checkbox per kind group × channel (email, SMS, WeChat)."""


for _group in GROUPS:
    for _channel in CHOOSABLE:
        setattr(PreferencesForm, field_name(_group, _channel),
                BooleanField(CHANNEL_LABELS[_channel]))
