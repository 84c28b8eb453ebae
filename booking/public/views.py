"""The home page."""
from flask import Blueprint, redirect, render_template, url_for
from sqlalchemy import func, select

from ..centres.bands import AGE_BANDS
from ..centres.services import list_cities
from ..extensions import db
from ..regulator.models import Filing
from ..slots.models import Slot
from . import readiness

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    centres = db.session.scalar(select(func.count(Filing.id)).where(Filing.status == "approved"))
    places = db.session.scalar(select(func.coalesce(func.sum(Slot.capacity), 0))
                               .join(Filing, Filing.centre_id == Slot.centre_id)
                               .where(Filing.status == "approved"))
    return render_template("public/home.html", cities=list_cities(), bands=AGE_BANDS,
                           centre_count=centres, place_count=places)


@bp.get("/healthz")
def healthz():
    return {"ok": True}


@bp.get("/readyz")
def readyz():
    results = readiness.checks()
    ready = all(value == "ok" for value in results.values())
    return {"ready": ready, "checks": results}, (200 if ready else 503), {"Cache-Control": "no-store"}


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links: the SVG answers it."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
