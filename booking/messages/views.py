"""Messages pages, phone-first: a family's conversations and bulletins (/messages), a thread
with its reply form (the same page for the family and the centre's staff), the staff inbox
(/staff/messages) and the director's bulletins (/staff/bulletins)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import allowed, permission_required
from ..centres.models import Group
from ..extensions import db
from ..i18n import name_of
from ..web import attempt, page_status, submit, stored_file
from . import access, attachments, bulletins, queries, services
from .forms import BulletinForm, MessageForm, OpenThreadForm

bp = Blueprint("messages", __name__)

# Room for the files around the form, so a file just over the limit gets the form's message.
_FORM_ROOM = 256 * 1024


@bp.get("/messages")
@permission_required("message.read")
def index():
    """A family's conversations with their children's centres, and the bulletins they got."""
    if current_user.role == "staff":
        return redirect(url_for("messages.inbox"))
    received, _total = bulletins.for_guardian(current_user, limit=50)
    return render_template("messages/index.html", rows=queries.for_guardian(current_user),
                           openable=queries.openable(current_user), bulletins=received)


@bp.post("/messages/threads")
@permission_required("message.send")
def open_thread():
    """Start (or return to) the conversation about a child with a centre: a button on the
    family's page (child and centre) or the staff inbox (a child of the centre)."""
    form = OpenThreadForm()
    back = url_for("messages.inbox" if current_user.role == "staff" else "messages.index")
    if not form.validate_on_submit():
        flash(_("请选择孩子"), "error")
        return redirect(back)
    thread = attempt(lambda: services.open_thread(current_user, form.child_id.data,
                                                  form.centre_id.data))
    if thread is None:
        return redirect(back)
    return redirect(url_for("messages.thread", thread_id=thread.id))


def _render_thread(thread, form, status=200):
    row = queries.row_for(current_user, thread)
    return render_template(
        "messages/thread.html", thread=thread, form=form,
        messages=queries.messages_of(thread.id), marks=queries.read_up_to(thread.id),
        read_by_other=queries.read_by_other_side, my_side=access.side_of(current_user),
        may_write=access.may_write(current_user, thread), waiting=row,
        max_mb=attachments.max_bytes() // (1024 * 1024)), status


@bp.get("/messages/threads/<int:thread_id>")
@permission_required("message.read")
def thread(thread_id: int):
    """Opening a thread reads it (the other side sees 已读 on what it sent)."""
    return _render_thread(services.read_thread(thread_id, current_user), MessageForm())


@bp.post("/messages/threads/<int:thread_id>")
@permission_required("message.send")
def reply(thread_id: int):
    thread = access.thread_for(current_user, thread_id)  # a stranger learns nothing (404)
    request.max_content_length = attachments.max_bytes() + _FORM_ROOM
    form = MessageForm()
    if form.validate_on_submit():
        files = form.attachments.data or []
        sent = submit(form, lambda: attachments.send_with_files(
            files, lambda stored: services.post_message(thread.id, current_user,
                                                        form.body.data, stored)),
            _("已发送"), fields={"attachment": "attachments"})
        if sent is not None:
            return redirect(url_for("messages.thread", thread_id=thread.id, _anchor=f"m{sent.id}"))
    return _render_thread(thread, form, page_status(form))


@bp.get("/messages/attachments/<int:attachment_id>")
@permission_required("message.read")
def attachment(attachment_id: int):
    """A file sent in a thread, to the thread's participants only; never cached."""
    found = services.attachment_for(current_user, attachment_id)
    return stored_file(attachments.path_of, found.stored_name, mimetype=found.content_type,
                       as_attachment=found.content_type == "application/pdf",
                       download_name=f"message-{found.message_id}-{found.id}")


@bp.get("/staff/messages")
@permission_required("message.read", own_centre=True)
def inbox():
    rows = queries.inbox(current_user)
    return render_template("messages/inbox.html", rows=rows,
                           children=queries.children_without_thread(current_user),
                           flagged=sum(1 for r in rows if r.flagged),
                           after_hours=int(queries.UNANSWERED_AFTER.total_seconds() // 3600))


def _groups():
    return db.session.scalars(db.select(Group).where(Group.centre_id == current_user.centre_id)
                              .order_by(Group.name)).all()


def _bulletin_form():
    form = BulletinForm()
    form.group_id.choices = [("", _("全园所有在读孩子的家长"))] + [
        (str(g.id), _("%(name)s 的家长", name=name_of(g))) for g in _groups()]
    return form


@bp.route("/staff/bulletins", methods=["GET", "POST"])
@permission_required("bulletin.send", own_centre=True)
def staff_bulletins():
    form = _bulletin_form()
    if form.validate_on_submit():
        sent = submit(form, lambda: bulletins.send(
            current_user.centre_id, current_user, title=form.title.data, body=form.body.data,
            group_id=int(form.group_id.data) if form.group_id.data else None),
            lambda b: _("通知已发送给 %(n)s 位家长", n=bulletins.recipient_count(b.id)))
        if sent is not None:
            return redirect(url_for("messages.staff_bulletins"))
    sent_list, _total = bulletins.of_centre(current_user.centre_id, limit=50)
    return render_template("messages/bulletins.html", form=form, sent=sent_list), \
        page_status(form)


@bp.get("/messages/bulletins/<int:bulletin_id>")
@permission_required("bulletin.read")
def bulletin(bulletin_id: int):
    """A bulletin: a guardian reading it is counted; the director sees the counts."""
    view = bulletins.open_bulletin(bulletin_id, current_user)
    return render_template("messages/bulletin.html", v=view,
                           is_director=allowed(current_user, "bulletin.send"))
