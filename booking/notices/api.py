"""`/api/v1/me/notification-preferences` (docs/notices.md, "Preferences")."""
from ..api.framework import current_api_user, endpoint
from . import preferences
from .schemas import PreferencesIn, PreferencesOut


def _out(user) -> PreferencesOut:
    from flask import current_app

    from .aliyun_sms import AliyunSms
    from .email import Email
    from .wechat import WechatSubscribe

    channels = [{"channel": c.name, "configured": c.configured(), "reachable": c.reachable(user)}
                for c in (Email(current_app.config), AliyunSms(current_app.config),
                          WechatSubscribe(current_app.config))]
    return PreferencesOut(preferences=preferences.effective(user.id), channels=channels)


@endpoint("/me/notification-preferences", summary="Which notices reach me by email, SMS and WeChat",
          tags=["accounts"], auth="any", response=PreferencesOut)
def get_preferences():
    return _out(current_api_user())


@endpoint("/me/notification-preferences", "PUT", summary="Choose which notices reach me by "
          "email, SMS and WeChat", tags=["accounts"], auth="any", body=PreferencesIn, response=PreferencesOut)
def put_preferences(body: PreferencesIn):
    user = current_api_user()
    preferences.save(user, [(p.kind, p.channel, p.enabled) for p in body.preferences])
    return _out(user)
