"""The JSON API (/api/v1): one blueprint; each area adds its routes in its own api.py."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
