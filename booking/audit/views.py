"""The inbox: a user's notifications in their language; opening it reads them."""
from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from . import services
from .models import Notification
from .links import ACTING, link_for
from .render import render_notification

bp = Blueprint("audit", __name__)
INBOX_SIZE = 100


@bp.get("/inbox")
@login_required
def inbox():
    notes = db.session.scalars(select(Notification).where(Notification.user_id == current_user.id)
                               .order_by(Notification.created_at.desc(), Notification.id.desc())
                               .limit(INBOX_SIZE)).all()
    locale = str(get_locale() or "zh_Hans_CN")
    items = []
    for n in notes:
        title, body = render_notification(n, locale, markup=True)
        items.append({"title": title, "body": body, "at": n.created_at,
                      "unread": n.read_at is None, "href": link_for(n, current_user.role),
                      "acts": n.kind in ACTING})
    if any(i["unread"] for i in items):
        services.mark_read(current_user, up_to_id=max(n.id for n in notes))
    return render_template("audit/inbox.html", items=items)
