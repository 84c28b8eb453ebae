"""`/account/notifications`: which notices also go out by email, SMS and WeChat."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..web import submit
from . import preferences
from .aliyun_sms import AliyunSms
from .email import Email
from .forms import PreferencesForm, field_name
from .wechat import WechatSubscribe

bp = Blueprint("notices", __name__)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def notification_preferences():
    form = PreferencesForm()
    if request.method == "GET":
        for group, channels in preferences.by_group(current_user.id).items():
            for channel, on in channels.items():
                getattr(form, field_name(group, channel)).data = on
    if form.validate_on_submit():
        choices = [(kind, channel, bool(getattr(form, field_name(group, channel)).data))
                   for group, kinds in preferences.GROUPS.items()
                   for channel in preferences.CHOOSABLE for kind in kinds]
        if submit(form, lambda: preferences.save(current_user, choices), _("通知方式已保存")):
            return redirect(url_for("notices.notification_preferences"))
    channels = {c.name: c for c in (Email(current_app.config), AliyunSms(current_app.config),
                                    WechatSubscribe(current_app.config))}
    status = 422 if form.errors else 200
    return render_template("notices/preferences.html", form=form, field_name=field_name,
                           groups=preferences.GROUPS, labels=preferences.GROUP_LABELS,
                           channels=channels, user=current_user), status
