"""City policy pages (docs/subsidies.md, "City policy over time"): the cities in scope, and a
city's timeline of versions with the form that adds the next one."""
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..clock import today
from ..inputs import parse_day
from ..web import attempt, page_status, submit
from . import changes, queries
from .changes import MONEY
from .forms import VersionForm, prefill, values_of
from .labels import FIELD_LABELS
from .models import POLICY_FIELDS

bp = Blueprint("policy", __name__)


@bp.app_context_processor
def _helpers():
    return {"policy_field_labels": FIELD_LABELS, "policy_money_fields": MONEY}


@bp.get("/policy")
@permission_required("policy.read")
def index():
    return render_template("policy/index.html", rows=queries.overview(current_user))


def _city_page(city, form=None, status=200):
    may_change = changes.may_change(current_user, city)
    if form is None and may_change:
        form = VersionForm(formdata=None)
        start = changes.default_effective_from()
        prefill(form, changes.starting_values(city, start), start)
    return render_template(
        "policy/city.html", city=city, entries=queries.timeline(city), form=form,
        may_change=may_change, fields=POLICY_FIELDS, today=today(),
        first_open_day=changes.first_open_day()), status


@bp.get("/policy/<city>")
@permission_required("policy.read")
def city(city: str):
    return _city_page(changes.readable(current_user, city))


@bp.post("/policy/<city>/versions")
@permission_required("policy.manage")
def add(city: str):
    changes.readable(current_user, city)  # outside the scope: 404 first
    form = VersionForm()
    if form.validate_on_submit():
        values = values_of(form)
        if values is not None and submit(form, lambda: changes.add_version(
                city, form.effective_from.data, values, form.reason.data, current_user),
                _("新版本已保存，将于 %(d)s 生效", d=form.effective_from.data.isoformat())):
            return redirect(url_for("policy.city", city=city))
    return _city_page(city, form, page_status(form))


@bp.post("/policy/<city>/versions/<day>/withdraw")
@permission_required("policy.manage")
def withdraw(city: str, day: str):
    # The form's CSRF token is checked for every POST (extensions.csrf).
    changes.readable(current_user, city)
    on = parse_day(day)
    if on is None:
        abort(404)
    attempt(lambda: changes.withdraw_version(city, on, current_user), _("已撤回该版本"))
    return redirect(url_for("policy.city", city=city))
