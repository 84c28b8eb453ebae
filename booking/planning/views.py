"""Planning pages (docs/planning.md): the districts of the jurisdiction, one district's
subdistricts with a what-if (GET: it writes nothing), and the births entry form."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import allowed, permission_required
from ..errors import ValidationFailed
from ..web import submit
from . import services
from .forms import BirthsForm

bp = Blueprint("planning", __name__)


@bp.get("/regulator/planning")
@permission_required("planning.read")
def index():
    return render_template("planning/index.html", rows=services.districts(current_user))


@bp.get("/regulator/planning/<district>")
@permission_required("planning.read")
def district_page(district):
    table = services.plan(current_user, district)  # 404 outside the jurisdiction
    return _page(district, table, BirthsForm(year=str(table["years"][-1])))


@bp.post("/regulator/planning/<district>/births")
@permission_required("planning.births")
def births(district):
    table = services.plan(current_user, district)
    form = BirthsForm()
    if form.validate_on_submit() and submit(
            form, lambda: services.set_births(
                current_user, district, subdistrict=form.subdistrict.data, year=form.year.data,
                births=form.births.data, new_subdistrict=form.new_subdistrict.data),
            _("出生人数已保存")):
        return redirect(url_for("planning.district_page", district=table["code"], _anchor="births"))
    return _page(district, table, form)


def _page(district, table, form):
    """The district's table; a what-if when asked (GET parameters), with its messages."""
    result, errors = None, {}
    asked = request.method == "GET" and ("places" in request.args
                                         or "subdistrict" in request.args)
    if asked:
        try:
            result = services.what_if(current_user, district, request.args.get("subdistrict"),
                                      request.args.get("places"), table=table)
        except ValidationFailed as exc:
            errors = exc.errors
    status = 422 if (errors or form.errors) else 200
    return render_template("planning/district.html", t=table, form=form, result=result,
                           errors=errors, args=request.args if asked else {},
                           may_enter=allowed(current_user, "planning.births"),
                           min_places=services.MIN_PLACES,
                           max_places=services.MAX_PLACES), status
