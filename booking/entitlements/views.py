"""我的补贴: a child's entitlements by month and the family's applications, for its guardians
only (docs/subsidies.md, "Family entitlements"). The centre's staff have no page here."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..children import services as children
from ..clock import today
from ..i18n import city_name
from ..web import page_status, submit
from . import services
from .forms import ApplicationForm, CityForm, StatusForm
from .labels import REASON_LABELS, SCHEME_LABELS, STATUS_LABELS, part_text, rule_text
from .models import NEXT
from .rules import third_birthday

bp = Blueprint("entitlements", __name__)


@bp.context_processor
def _labels():
    return {"scheme_labels": SCHEME_LABELS, "allowance_statuses": STATUS_LABELS,
            "reason_labels": REASON_LABELS, "part_text": part_text,
            "rule_text": rule_text, "next_statuses": NEXT}


@bp.get("/subsidies")
@permission_required("family.read")
def index():
    return render_template("entitlements/index.html", kids=children.children_of(current_user))


def _city_choices():
    return [("", _("按孩子所在托育机构的城市"))] + [(c, city_name(c)) for c in services.cities()]


def _city_form(child):
    form = CityForm(formdata=None, city=child.subsidy_city or "")
    form.city.choices = _city_choices()
    return form


def _page(child_id: int, *, city_form=None, app_form=None, status_form=None, status_for=None,
          status: int = 200):
    child = children.child_for_guardian(current_user, child_id)
    city, source = services.city_of(child)
    return render_template(
        "entitlements/child.html", child=child, city=city, source=source,
        ent=services.entitlement_of(child), third_birthday=third_birthday(child.birth_date),
        applications=services.applications_of(child.id), today=today(),
        city_form=city_form or _city_form(child),
        app_form=app_form or ApplicationForm(formdata=None, applied_on=today()),
        status_form=status_form, status_for=status_for,
        blank_status=lambda a: StatusForm.for_application(a, formdata=None, status_on=today())
        .offer(NEXT[a.status])), status


@bp.get("/children/<int:child_id>/subsidies")
@permission_required("family.read")
def child(child_id: int):
    return _page(child_id)


@bp.post("/children/<int:child_id>/subsidy-city")
@permission_required("child.manage")
def set_city(child_id: int):
    children.child_for_guardian(current_user, child_id)  # a stranger's child: 404 first
    form = CityForm()
    form.city.choices = _city_choices()
    if form.validate_on_submit() and submit(
            form, lambda: services.set_subsidy_city(child_id, current_user, form.city.data),
            _("已保存补贴城市")):
        return redirect(url_for("entitlements.child", child_id=child_id), 303)
    return _page(child_id, city_form=form, status=page_status(form))


@bp.post("/children/<int:child_id>/allowance-applications")
@permission_required("child.manage")
def apply(child_id: int):
    children.child_for_guardian(current_user, child_id)
    form = ApplicationForm()
    if form.validate_on_submit() and submit(form, lambda: services.record_application(
            child_id, current_user, scheme=form.scheme.data, applied_on=form.applied_on.data,
            reference=form.reference.data, note=form.note.data), _("已登记申请")):
        return redirect(url_for("entitlements.child", child_id=child_id), 303)
    return _page(child_id, app_form=form, status=page_status(form))


@bp.post("/allowance-applications/<int:application_id>/status")
@permission_required("child.manage")
def update_status(application_id: int):
    app = services.application_for(application_id, current_user)
    form = StatusForm.for_application(app)
    if form.validate_on_submit() and submit(form, lambda: services.update_status(
            application_id, current_user, status=form.status.data,
            status_on=form.status_on.data, amount_fen=form.amount_fen(), note=form.note.data),
            _("已更新申请状态"), fields={"amount_fen": "amount_yuan"}):
        return redirect(url_for("entitlements.child", child_id=app.child_id), 303)
    return _page(app.child_id, status_form=form, status_for=application_id,
                 status=page_status(form))
