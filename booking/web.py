"""What every page shares: one service command behind a button, its refusal (or an inline
form's errors) shown to the person; and CSV downloads that Excel opens safely."""
import csv
import io

from flask import Response, flash

from .errors import BookingError


def flash_errors(form) -> None:
    """A small inline form (one field beside a list row) has no page of its own to re-render
    with its messages: they are flashed above the list instead."""
    for messages in form.errors.values():
        for message in messages:
            flash(message, "error")


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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell Excel shows as text: text starting like a formula gets a leading apostrophe
    (OWASP, CSV injection). Numbers stay numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(rows) -> bytes:
    """Rows (the header first) as CSV; utf-8-sig, because the byte-order mark is how Excel
    knows the file is UTF-8 (Chinese names)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(c) for c in row])
    return out.getvalue().encode("utf-8-sig")


def csv_download(body: bytes, filename: str, *, private: bool = False) -> Response:
    """`private`: personal data, never kept by a browser or proxy cache."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if private:
        headers["Cache-Control"] = "no-store"
    return Response(body, mimetype="text/csv", headers=headers)
