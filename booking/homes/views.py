"""Each role's home after signing in, and the role's full menu (the phone's 我的 / 更多 tab).
Thin: the figures come from homes/queries.py, which asks the areas that own them."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..outbreaks.labels import symptom_word
from . import queries

bp = Blueprint("homes", __name__)


@bp.get("/home")
@login_required
def home():
    role = current_user.role
    if role == "parent":
        return render_template("homes/parent.html", h=queries.parent_home(current_user))
    if role == "staff":
        return render_template("homes/staff.html", h=queries.staff_home(current_user))
    if role == "institution":  # a health institution works from its sessions (docs/exams.md)
        return redirect(url_for("exams.institution_home"))
    return render_template("homes/regulator.html", h=queries.regulator_home(current_user),
                           symptom_word=symptom_word)


@bp.get("/me")
@login_required
def menu():
    """Every page of the role, the account and signing out: what the header's menu holds on
    a wide screen, as a page the tab bar reaches on a phone."""
    return render_template("homes/menu.html")
