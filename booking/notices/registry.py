"""The configured outside channels (SMS, WeChat)."""
from flask import current_app

from .aliyun_sms import AliyunSms
from .channels import Channel
from .wechat import WechatSubscribe


def outside_channels() -> dict[str, Channel]:
    """The channels the delivery job sends through, those configured only. Email keeps its
    own path (audit/delivery.py, columns on the notification); the inbox row needs no send."""
    found = {}
    for channel in (AliyunSms(current_app.config), WechatSubscribe(current_app.config)):
        if channel.configured():
            found[channel.name] = channel
    return found
