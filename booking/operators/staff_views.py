"""Pages of staff across an operator's centres (docs/operators.md, Staff across centres): the
centre switch in the header, an account's centres, and the 运营负责人's overview."""
from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.forms import staff_role_choices
from ..auth.permissions import permission_required
from ..centres.models import Centre
from ..errors import NotFound
from ..extensions import db
from ..subsidies.forms import STATUS_LABELS as CLAIM_STATUS
from ..web import attempt, csv_bytes, csv_download, submit, xlsx_bytes
from . import assignments, figures, managers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
from .forms import AssignForm
from .queries import current_operator

bp = Blueprint("staff_centres", __name__)


@bp.app_context_processor
def _centre_switch():
    """The header's current centre and, for an account at several, where it may switch to."""
    def my_centres():
        if not (current_user.is_authenticated and current_user.role == "staff"):
            return []
        return assignments.active_of(current_user.id)
    def manages_operator():
        return assignments.managed_operator_id(current_user) is not None
    return {"my_centres": my_centres, "manages_operator": manages_operator}


def _back() -> str:
    # Only a path of this site: an open redirect would send staff anywhere.
    nxt = request.form.get("next") or ""
    parts = urlsplit(nxt)
    if nxt.startswith("/") and not nxt.startswith("//") and not parts.netloc:
        return nxt
    return url_for("homes.home")


@bp.post("/staff/switch")
@permission_required("staff.switch")
def switch():
    try:
        centre_id = int(request.form.get("centre_id", ""))
    except ValueError:
        raise NotFound() from None
    user = assignments.switch(current_user, centre_id)
    flash(_("已切换到%(name)s", name=db.session.get(Centre, user.centre_id).name), "success")
    return redirect(_back())


def _targets(user):
    """Centres of the account's current operator it may be added to."""
    op = current_operator(user.centre_id)
    if op is None:
        return []
    mine = {a.centre_id for a in assignments.active_of(user.id)}
    return [c for c in db.session.query(Centre).filter(
        Centre.id.in_(managers.current_centre_ids(op.id))).order_by(Centre.name)
        if c.id not in mine]


def _centres_page(user_id, form=None, status=200):
    user = assignments.staff_account(current_user, user_id)
    form = form or AssignForm(_targets(user), staff_role_choices(), formdata=None)
    return render_template("operators/staff_centres.html", account=user, form=form,
                           rows=assignments.active_of(user.id),
                           roles=dict(staff_role_choices())), status


@bp.get("/staff/accounts/<int:user_id>/centres")
@permission_required("staff_accounts.manage", own_centre=True)
def centres(user_id):
    return _centres_page(user_id)


@bp.post("/staff/accounts/<int:user_id>/centres")
@permission_required("staff_accounts.manage", own_centre=True)
def assign(user_id):
    user = assignments.staff_account(current_user, user_id)
    form = AssignForm(_targets(user), staff_role_choices())
    if form.validate_on_submit() and submit(
            form, lambda: assignments.assign(current_user, user_id, form.centre_id.data,
                                             form.staff_role.data), _("已安排")):
        return redirect(url_for("staff_centres.centres", user_id=user_id))
    return _centres_page(user_id, form=form, status=422)


@bp.post("/staff/assignments/<int:assignment_id>/end")
@permission_required("staff_accounts.manage", own_centre=True)
def end(assignment_id):
    row = attempt(lambda: assignments.end(current_user, assignment_id), _("已结束该机构的任职"))
    user_id = row.user_id if row else request.form.get("user_id", type=int)
    if not user_id:
        return redirect(url_for("homes.home"))
    return redirect(url_for("staff_centres.centres", user_id=user_id))


@bp.get("/operator")
@permission_required("operator.overview")
def overview():
    op, rows = managers.overview(current_user)
    return render_template("operators/overview.html", op=op, rows=rows,
                           total=figures.summary(rows), claim_labels=CLAIM_STATUS,
                           staff=managers.assignment_rows(op.id),
                           roles=dict(staff_role_choices()))


@bp.get("/operator.<any(csv, xlsx):fmt>")
@permission_required("operator.overview")
def overview_download(fmt):
    op, rows = managers.overview_rows(current_user)
    if fmt == "csv":
        return csv_download(csv_bytes(rows), "operator-centres.csv")
    return Response(xlsx_bytes(rows, "centres"), mimetype=XLSX, headers={
        "Content-Disposition": 'attachment; filename="operator-centres.xlsx"'})
