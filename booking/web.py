"""What every page shares: one service command behind a button, its refusal (or an inline
form's errors) shown to the person; CSV downloads that Excel opens safely; and the headers
every answer carries."""
import csv
import io
import secrets

from flask import Response, flash, g, request
from flask_login import current_user
from openpyxl import Workbook

from .errors import BookingError


def apply_errors(form, err: BookingError, fields=None):
    """Put a service's errors onto the form: on their field where it has one, otherwise on
    the form itself, so the page re-renders (422) with every message in its summary.

    `fields` maps the service's words to the form's: a stored field's name to the field that
    asks for it (`monthly_fee_fen` → `monthly_fee`, the form asks in yuan), or a refusal's
    slug to the field it concerns (`already-reserved` → `child_id`): its message goes there."""
    fields = fields or {}
    if err.slug in fields and getattr(form, fields[err.slug], None) is not None:
        field = getattr(form, fields[err.slug])
        field.errors = list(field.errors) + [err.message]
        return
    placed = False
    for name, messages in (err.errors or {}).items():
        field = getattr(form, fields.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [str(m) for m in messages]
            placed = True
        else:
            form.form_errors.extend(str(m) for m in messages)
            placed = placed or bool(messages)
    if not placed:
        form.form_errors.append(err.message)


def _refused(err: BookingError) -> None:
    request.environ["tuowei.refusal"] = err


def refusal() -> BookingError | None:
    """The service's refusal in this request (through submit or attempt), or None."""
    return request.environ.get("tuowei.refusal")


def page_status(form=None) -> int:
    """The status of a page re-rendered after a submission: the refusal's own (409 for a
    state that forbids it, 422 for input the service found wrong), 422 when the form itself
    refused the input, 200 otherwise."""
    err = refusal()
    if err is not None:
        return err.status
    return 422 if form is not None and form.errors else 200


def _say(success, result) -> None:
    message = success(result) if callable(success) else success
    if message:
        flash(message, "success")


def submit(form, call, success=None, *, fields=None, reraise=()):
    """The service command behind a validated form: run `call()` and flash `success` (text,
    or a function of the result), returning the result; or, when the service refuses, put
    its errors on the form (`fields`: see apply_errors) and return None, so the page
    re-renders them (422, or page_status for the refusal's own). The service has already
    undone its work (transactions.command); an unknown or foreign record stays a 404.
    Refusals in `reraise` are the page's own to answer: they are raised on."""
    try:
        result = call()
    except reraise:
        raise
    except BookingError as err:
        if err.status == 404:
            raise
        _refused(err)
        apply_errors(form, err, fields)
        return None
    _say(success, result)
    return result


def flash_errors(form) -> None:
    """A small inline form (one field beside a list row) has no page of its own to re-render
    with its messages: they are flashed above the list instead."""
    for messages in form.errors.values():
        for message in messages:
            flash(message, "error")


def attempt(call, success=None, *, refused=None):
    """A one-button action: run `call()`; flash the service's refusal (in the page's words
    when `refused(err)` gives some), or `success` (text, or a function of the result; nothing
    when it gives none). An unknown or foreign record stays a 404. Returns the result, or
    None if refused (refusal() then says why)."""
    try:
        result = call()
    except BookingError as err:
        if err.status == 404:
            raise
        _refused(err)
        flash((refused(err) if refused else None) or err.message, "error")
        return None
    _say(success, result)
    return result


def is_htmx() -> bool:
    """Sent by htmx (templates/_htmx.html): the page wants a fragment, not a redirect."""
    return request.headers.get("HX-Request") == "true"


def htmx_redirects(response: Response) -> Response:
    """(after_request of blueprints with inline actions) An htmx request answered with a
    redirect, such as to the login page when the session has ended, takes the whole page
    there: the browser would otherwise follow it inside the request and put that page where
    a row was."""
    if is_htmx() and 300 <= response.status_code < 400 and response.location:
        return Response(status=204, headers={"HX-Redirect": response.location})
    return response


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


def xlsx_bytes(rows, title: str, *, percent_columns=()) -> bytes:
    """Rows (the header first) as one XLSX sheet. openpyxl stores text starting with "=" as a
    formula (=HYPERLINK(...) from a name someone typed would run in Excel): every text cell
    is written as text instead, shown exactly as typed. Numbers stay numbers; those of
    `percent_columns` (1-based) are shares shown as percentages (0.123 → 12.3%)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            elif cell.row > 1 and cell.column in percent_columns and cell.data_type == "n":
                cell.number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_download(body: bytes, filename: str, *, private: bool = False) -> Response:
    """`private`: personal data, never kept by a browser or proxy cache."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if private:
        headers["Cache-Control"] = "no-store"
    return Response(body, mimetype="text/csv", headers=headers)


def csp_nonce() -> str:
    """This request's nonce for the few inline <style> blocks (print sheet, dashboard bars);
    no inline script needs one: page scripts live in static/js."""
    nonce = request.environ.get("tuowei.csp_nonce")
    if nonce is None:
        nonce = request.environ["tuowei.csp_nonce"] = secrets.token_urlsafe(16)
    return nonce


def _signed_in() -> bool:
    if g.get("api_user") is not None or request.headers.get("Authorization"):
        return True
    return request.endpoint != "static" and current_user.is_authenticated


def security_headers(response: Response) -> Response:
    """No page may be framed (clickjacking), no script or style from elsewhere runs, browsers
    do not guess content types, and no full URL (ids, feed tokens) leaks to another site.
    Whatever a signed-in person (or a bearer token) receives is personal: never cached."""
    response.headers.setdefault("Content-Security-Policy", (
        "default-src 'self'; script-src 'self'; "
        f"style-src 'self' 'nonce-{csp_nonce()}'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"))
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if "no-store" not in response.headers.get("Cache-Control", "") and _signed_in():
        response.headers["Cache-Control"] = "no-store"
    return response


def stored_file(resolve, name, *, mimetype, download_name, as_attachment=False):
    """A private upload (an intake form, a day's photo, a pickup photo, a message's file) as
    a response only its readers get: never cached, never sniffed. `resolve(name)` is the
    area's path_of (refusing names outside its folder); a missing file is a 404.

    Read into memory (uploads are capped) so no file handle outlives the request."""
    import io

    from flask import send_file

    from .errors import NotFound
    if not name:
        raise NotFound()
    try:
        path = resolve(name)
    except ValueError:
        raise NotFound() from None
    if not path.is_file():
        raise NotFound()
    resp = send_file(io.BytesIO(path.read_bytes()), mimetype=mimetype, max_age=0,
                     as_attachment=as_attachment, download_name=f"{download_name}{path.suffix}")
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
