"""Pickup list pages (接送名单): a child's guardians keep the people allowed to collect it
(phone-first); a person's photo is shown to the guardians and the centre's care staff only."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import permission_required
from ..children import services as children
from ..errors import NotFound
from ..web import attempt, page_status, submit
from . import photos, services
from .forms import PersonForm

bp = Blueprint("pickup", __name__)


def _stored_photo(form, stored: list):
    if form.photo.data:
        stored.append(photos.store(form.photo.data))
    return stored[0] if stored else None


def _save(form, call, success):
    """The command behind the form, its photo stored first; a refusal keeps no file."""
    stored: list = []
    result = None
    try:
        result = submit(form, lambda: call(_stored_photo(form, stored)), success)
    finally:
        if result is None and stored:
            photos.discard(stored[0][0])
    return result


def _fields(form) -> dict:
    return {"name": form.name.data, "relation": form.relation.data, "phone": form.phone.data,
            "id_last4": form.id_last4.data}


@bp.route("/children/<int:child_id>/pickup", methods=["GET", "POST"])
@permission_required("pickup.manage")
def child(child_id: int):
    kid = children.child_for_guardian(current_user, child_id)
    request.max_content_length = photos.max_bytes() + 256 * 1024
    form = PersonForm()
    if form.validate_on_submit() and _save(form, lambda photo: services.add_person(
            kid.id, current_user, photo=photo, **_fields(form)), _("已加入接送名单")):
        return redirect(url_for("pickup.child", child_id=kid.id))
    guardians, people = services.list_for(kid.id, current_user)
    return render_template("pickup/child.html", child=kid, form=form, guardians=guardians,
                           people=people, max_people=services.MAX_PEOPLE), \
        page_status(form)


@bp.route("/children/<int:child_id>/pickup/<int:person_id>", methods=["GET", "POST"])
@permission_required("pickup.manage")
def edit(child_id: int, person_id: int):
    kid = children.child_for_guardian(current_user, child_id)
    person = services.person_for(kid.id, person_id, current_user)
    if person.removed_at is not None:
        raise NotFound()
    request.max_content_length = photos.max_bytes() + 256 * 1024
    form = PersonForm(obj=person if request.method == "GET" else None)
    if form.validate_on_submit() and _save(form, lambda photo: services.change_person(
            kid.id, person.id, current_user, photo=photo, drop_photo=form.drop_photo.data,
            **_fields(form)), _("已保存")):
        return redirect(url_for("pickup.child", child_id=kid.id))
    return render_template("pickup/edit.html", child=kid, person=person, form=form), \
        page_status(form)


@bp.post("/children/<int:child_id>/pickup/<int:person_id>/remove")
@permission_required("pickup.manage")
def remove(child_id: int, person_id: int):
    attempt(lambda: services.remove_person(child_id, person_id, current_user),
            _("已从接送名单移除"))
    return redirect(url_for("pickup.child", child_id=child_id))


@bp.get("/children/<int:child_id>/pickup/<int:person_id>/photo")
@permission_required("pickup.read")
def photo(child_id: int, person_id: int):
    """The person's photo, for the child's guardians and its centre's care staff."""
    return photos.response(services.person_for(child_id, person_id, current_user))
