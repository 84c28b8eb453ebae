"""Role guards for pages. (API routes declare `auth=` on `endpoint` instead.)"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles):
    """Signed in, and in one of `roles` (403 otherwise)."""

    def deco(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return deco
