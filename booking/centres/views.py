"""Public pages: centre search, a centre's page with its disclosure, the districts list; a
centre signing up on its own."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..auth.views import login_limit
from ..children.services import children_of
from ..extensions import db, limiter
from ..places.eligibility import eligibility
from ..slots.models import Slot
from ..slots.queries import availability_map
from ..web import submit
from . import services
from .bands import AGE_BANDS, CARE_TYPES, CENTRE_KINDS, PLACE_CATEGORIES
from .forms import CentreSignupForm, SearchForm
from .models import Centre

bp = Blueprint("centres", __name__)
PER_PAGE = 20


@bp.get("/centres")
def search():
    form = SearchForm(request.args)
    districts = services.list_districts()
    form.city.choices = [("", _("全部城市"))] + [(c, c) for c, _en in services.list_cities()]
    form.district.choices = [("", _("全部区县"))] + [(d.code, f"{d.city} · {d.name}")
                                                  for d in districts]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    rows, total, status = [], 0, 200
    if form.validate():
        filters = services.SearchFilters(
            q=form.q.data or None, city=form.city.data or None,
            district=form.district.data or None, subdistrict=form.subdistrict.data or None,
            age_band=form.age_band.data or None, category=form.category.data or None,
            care_type=form.care_type.data or None, kind=form.kind.data or None,
            has_places=bool(form.has_places.data))
        rows, total = services.search_centres(filters, page, PER_PAGE)
    else:
        status = 422
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template("centres/search.html", form=form, rows=rows, total=total, page=page,
                           pages=pages, kinds=CENTRE_KINDS), status


@bp.get("/centres/<int:centre_id>")
def centre(centre_id):
    centre = db.session.get(Centre, centre_id)
    if centre is None or centre.filing is None or centre.filing.status in ("draft", "submitted", "returned"):
        abort(404)
    slots = db.session.scalars(db.select(Slot).where(Slot.centre_id == centre.id)
                               .order_by(Slot.starts_on, Slot.age_band, Slot.id)).all()
    avail = availability_map([s.id for s in slots])
    # A signed-in parent books from this page: each slot row says, for each of their
    # children, whether it is open to it and why not, before anything is submitted.
    my_children = children_of(current_user) if current_user.is_authenticated \
        and current_user.role == "parent" else []
    found = eligibility(slots, my_children, current_user.id) if my_children else {}
    verdicts = {s.id: [(c, found[(s.id, c.id)]) for c in my_children] for s in slots}
    return render_template("centres/centre.html", centre=centre, my_children=my_children,
                           verdicts=verdicts,
                           disclosure=services.disclosure(centre), slots=slots, avail=avail,
                           bands=AGE_BANDS, kinds=CENTRE_KINDS, categories=PLACE_CATEGORIES,
                           care_types=CARE_TYPES)


@bp.get("/districts")
def districts():
    return render_template("centres/districts.html", districts=services.list_districts())


@bp.route("/centres/register", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def register_centre():
    """A centre signs up and then fills its filing (登记备案)."""
    form = CentreSignupForm()
    districts = services.list_districts()
    form.district.choices = lambda: [("", "—")] + [(d.code, f"{d.city} · {d.name}")
                                                  for d in districts]
    if form.validate_on_submit():
        user = submit(form, lambda: services.register_centre(
            name=form.name.data, kind=form.kind.data, district_code=form.district.data,
            subdistrict=form.subdistrict.data, address=form.address.data,
            operator=form.operator.data, contact_name=form.contact_name.data,
            email=form.email.data, password=form.password.data),
            _("机构已登记，请填写并提交备案"))
        if user is not None:
            login_user(user)
            return redirect(url_for("regulator.own_filing"))
    return render_template("centres/register_centre.html", form=form), \
        422 if form.errors else 200
