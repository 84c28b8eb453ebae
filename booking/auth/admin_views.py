"""Admins make staff, regulator and admin accounts."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..centres.models import Centre, District
from ..errors import BookingError
from ..extensions import db
from . import services
from .admin_forms import UserCreateForm
from .models import User
from .permissions import permission_required
from .views import apply_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@permission_required("user.create")
def users():
    form = UserCreateForm()
    centres = db.session.scalars(select(Centre).order_by(Centre.name)).all()
    districts = db.session.scalars(select(District).order_by(District.city, District.code)).all()
    form.centre.choices = lambda: [("", "—")] + [(str(c.id), f"{c.name} (#{c.id})") for c in centres]
    form.district.choices = lambda: [("", "—")] + [(str(d.id), f"{d.city} · {d.name}") for d in districts]
    if form.validate_on_submit():
        district_id = int(form.district.data) if form.district.data else None
        city = db.session.get(District, district_id).city if district_id else None
        try:
            user = services.create_user(
                role=form.role.data, name=form.name.data, email=form.email.data,
                password=form.password.data,
                centre_id=int(form.centre.data) if form.centre.data else None,
                district_id=district_id if form.role.data == "regulator" else None,
                city=city if form.role.data == "regulator" else None, actor=current_user)
        except BookingError as err:
            apply_errors(form, err)
        else:
            flash(_("已创建账号 %(email)s", email=user.email), "success")
            return redirect(url_for("admin.users"))
    accounts = db.session.scalars(select(User).where(User.role != "parent")
                                  .order_by(User.role, User.id)).all()
    return render_template("auth/admin_users.html", form=form, accounts=accounts), \
        422 if form.errors else 200
