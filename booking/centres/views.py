"""Public pages: centre search, a centre's page with its disclosure, the districts list; a
centre signing up on its own."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..auth.permissions import permission_required
from ..auth.views import login_limit
from ..children.services import children_of
from ..extensions import db, limiter
from ..places.eligibility import eligibility
from ..slots.models import Slot
from ..web import submit
from ..i18n import city_name, name_of
from . import geo, location, nearby, pagecache, services
from .public import public_data
from .bands import AGE_BANDS, CARE_TYPES, CENTRE_KINDS, PLACE_CATEGORIES
from .forms import CentreSignupForm, LocationForm, SearchForm
from .models import Centre

bp = Blueprint("centres", __name__)
PER_PAGE = 20


@bp.get("/centres")
def search():
    form = SearchForm(request.args)
    if "city" not in request.args:  # a first visit: the parent's own city (docs/search.md)
        form.city.data = nearby.default_city(current_user) or ""
    districts = services.list_districts()
    form.city.choices = [("", _("全部城市"))] + [(c, city_name(c, en))
                                                for c, en in services.list_cities()]
    # A city narrows the district list (nearby.js does it in the page as the city changes);
    # a district left over from another city gives way to the city picked after it.
    all_districts = [(d.code, d.city, f"{city_name(d.city, d.city_en)} · {name_of(d)}")
                     for d in districts]
    in_city = [d for d in all_districts if not form.city.data or d[1] == form.city.data]
    elsewhere = {code for code, *_r in all_districts} - {code for code, *_r in in_city}
    if form.district.data in elsewhere:
        form.district.data = ""
    form.district.choices = [("", _("全部区县"))] + [(code, label) for code, _c, label in in_city]
    choices = nearby.origin_choices(form.city.data or None)
    form.origin.choices = origin_options(choices, bool(form.near.data))
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    rows, total, status, origin = [], 0, 200, None
    if form.validate():
        origin = _origin(form)
        if form.origin.data and origin is None:
            form.origin.errors = [_("未知的起点，请重新选择")]
            status = 422
        else:
            filters = services.SearchFilters(
                q=form.q.data or None, city=form.city.data or None,
                district=form.district.data or None, subdistrict=form.subdistrict.data or None,
                age_band=form.age_band.data or None, category=form.category.data or None,
                care_type=form.care_type.data or None, kind=form.kind.data or None,
                has_places=bool(form.has_places.data), near=origin,
                radius_km=float(form.radius.data) if origin and form.radius.data else None)
            rows, total = services.search_centres(filters, page, PER_PAGE)
    else:
        status = 422
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    distances = {c.id: nearby.distance_to(origin, c) for c, _s, _p in rows}
    return render_template("centres/search.html", form=form, rows=rows, total=total, page=page,
                           pages=pages, kinds=CENTRE_KINDS, origin=origin, distances=distances,
                           origin_label=dict(form.origin.choices).get(form.origin.data or ""),
                           all_districts=all_districts,
                           active=active_filters(form), nav_url=_nav_url), status


def active_filters(form) -> list[tuple[str, str]]:
    """The filters in force as (field name, label): the chips above the results."""
    out = []
    for f in (form.city, form.district, form.origin, form.subdistrict, form.age_band,
              form.category, form.care_type, form.kind):
        if not f.data:
            continue
        label = f.data
        if hasattr(f, "iter_choices"):
            label = next((str(opt[1]) for opt in f.iter_choices() if opt[2]), f.data)
        out.append((f.name, label))
    if form.has_places.data:
        out.append((form.has_places.name, str(form.has_places.label.text)))
    return out


def _origin(form) -> tuple[float, float] | None:
    """The point distances are measured from, GCJ-02: a shared location (the browser's is
    WGS-84: converted) or a picked district or subdistrict."""
    if form.origin.data == "here":
        if not form.near.data:
            return None
        point = geo.parse_point(form.near.data)
        return geo.wgs84_to_gcj02(*point) if form.datum.data == "wgs84" else point
    return nearby.origin_of(form.origin.data)


def origin_options(choices, shared: bool) -> list:
    """The origin picker: none, the shared location (once there is one), then each district
    with its subdistricts (an optgroup per district)."""
    opts = [("", _("不按距离排序"))]
    if shared:
        opts.append(("here", _("我的位置")))
    for d, subs in choices:
        opts.append((f"d:{d.code}", _("%(district)s（区县中心）", district=name_of(d))))
        opts += [(f"s:{d.code}:{sub}", f"{name_of(d)} · {sub}") for sub in subs]
    return opts


def _nav_url(centre) -> str:
    return geo.navigation_url(centre.latitude, centre.longitude, centre.name,
                              f"{centre.district.city}{centre.district.name}{centre.address}")


@bp.app_template_filter("distance")
def distance_label(km: float | None) -> str:
    """"850 米", "1.2 公里", "12 公里": localised (English: "1.2 km")."""
    if km is None:
        return ""
    if km < 1:
        return _("%(m)s 米", m=format_decimal(max(10, round(km * 1000, -1)), format="#,##0"))
    return _("%(km)s 公里", km=format_decimal(round(km, 1 if km < 10 else 0),
                                           format="#,##0.0" if km < 10 else "#,##0"))


@bp.get("/centres/<int:centre_id>")
def centre(centre_id):
    # The disclosure and the places left come from the page cache (pagecache.py): public
    # data only; what follows for a signed-in parent's own children is computed here.
    page = pagecache.public_page(centre_id, public_data)
    if page is None:
        abort(404)
    centre = db.session.get(Centre, centre_id)
    slots = db.session.scalars(db.select(Slot).where(Slot.centre_id == centre.id)
                               .order_by(Slot.starts_on, Slot.age_band, Slot.id)).all()
    avail = page.avail
    # A signed-in parent books from this page: each slot row says, for each of their
    # children, whether it is open to it and why not, before anything is submitted.
    my_children = children_of(current_user) if current_user.is_authenticated \
        and current_user.role == "parent" else []
    found = eligibility(slots, my_children, current_user.id) if my_children else {}
    verdicts = {s.id: [(c, found[(s.id, c.id)]) for c in my_children] for s in slots}
    return render_template("centres/centre.html", centre=centre, my_children=my_children,
                           verdicts=verdicts, nav_url=_nav_url(centre),
                           disclosure=page.detail["disclosure"], slots=slots, avail=avail,
                           bands=AGE_BANDS, kinds=CENTRE_KINDS, categories=PLACE_CATEGORIES,
                           care_types=CARE_TYPES)


@bp.route("/staff/centre/location", methods=["GET", "POST"])
@permission_required("centre.edit", own_centre=True)
def location_page():
    """The centre's point on the map (GCJ-02), for parents' 就近 search and 导航."""
    centre = current_user.centre
    form = LocationForm(obj=centre)
    if form.validate_on_submit() and submit(form, lambda: location.set_location(
            centre.id, current_user, form.latitude.data, form.longitude.data), _("位置已保存")):
        return redirect(url_for("centres.location_page"))
    return render_template("centres/location.html", centre=centre, form=form,
                           nav_url=_nav_url(centre)), 422 if form.errors else 200


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
