"""What every page's buttons share: one service command, its refusal shown to the person."""
from flask import flash

from .errors import BookingError


def attempt(call, success):
    """Run `call()`; flash the service's refusal, or `success` (text, or a function of the
    result). An unknown or foreign record stays a 404. Returns the result, or None if refused."""
    try:
        result = call()
    except BookingError as err:
        if err.status == 404:
            raise
        flash(err.message, "error")
        return None
    flash(success(result) if callable(success) else success, "success")
    return result
