"""The domain's errors and how each surface shows them.

Services raise these with a message a person can act on; the API turns them into RFC 9457
problem documents, the web into flashed messages or form errors. One slug per kind of
failure, listed in docs/api.md, Errors.
"""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

PROBLEM_BASE = "https://tuowei.example/problems/"


class BookingError(Exception):
    """Base of every rule a request can break; `status` and `slug` say how the API answers."""

    status = 409
    slug = "conflict"
    title = _l("请求与当前状态冲突")

    def __init__(self, detail=None, *, errors=None, extra=None):
        super().__init__(str(detail or self.title))
        self.detail = detail
        self.errors = errors
        self.extra = extra or {}

    @property
    def message(self) -> str:
        if self.detail is None and self.errors:
            return "；".join(str(m) for msgs in self.errors.values() for m in msgs)
        return str(self.detail or self.title)


class ValidationFailed(BookingError):
    status, slug, title = 422, "validation", _l("提交的信息有误")


class BadRequest(BookingError):
    status, slug, title = 400, "validation", _l("请求格式不正确")


class Unauthorized(BookingError):
    status, slug, title = 401, "unauthorized", _l("请先登录")


class Forbidden(BookingError):
    status, slug, title = 403, "forbidden", _l("您没有权限执行此操作")


class NotFound(BookingError):
    status, slug, title = 404, "not-found", _l("找不到该记录")


class Conflict(BookingError):
    status, slug, title = 409, "conflict", _l("请求与当前状态冲突")


class SlotFull(BookingError):
    status, slug, title = 409, "slot-full", _l("该托位已满，可以加入候补名单")


class AlreadyReserved(BookingError):
    status, slug, title = 409, "already-reserved", _l("孩子已预约或已在读该托位")


class AlreadyPlaced(BookingError):
    """One child, one place (docs/domain.md): the child has a live place at another slot."""
    status, slug, title = 409, "already-placed", _l("孩子已有一个托位")


class RoundClosed(BookingError):
    """An allocation round takes or changes applications only while its window is open."""
    status, slug, title = 409, "round-closed", _l("该派位轮次不在申请时间内")


class SlotInRound(BookingError):
    """While an allocation round gives out a slot's places, nobody books or joins its queue."""
    status, slug, title = 409, "slot-in-round", _l("该托位正在统一派位，请在派位轮次中申请")


class HealthCheckRequired(BookingError):
    status, slug, title = 409, "health-check-required", _l("孩子需要一份已核验且合格、在入托日期仍有效的入托体检")


class AgeOutOfBand(BookingError):
    status, slug, title = 422, "age-out-of-band", _l("孩子在入托日期的月龄不在该班型范围内")


class SessionFull(BookingError):
    status, slug, title = 409, "session-full", _l("该场次已约满")


class SessionQuotaExceeded(BookingError):
    status, slug, title = 409, "session-quota-exceeded", _l("本年度免费或补贴场次的家庭额度已用完")


class NoShowLimit(BookingError):
    status, slug, title = 409, "no-show-limit", _l("近期爽约次数过多，暂时不能预约新的场次")


class SessionCancelCutoff(BookingError):
    status, slug, title = 409, "session-cancel-cutoff", _l("已过取消截止时间，不能在线取消")


class ShiftOverlap(BookingError):
    status, slug, title = 409, "shift-overlap", _l("该员工在这段时间已有其他班次")


class HealthCertificateLapsed(BookingError):
    status, slug, title = 409, "health-certificate-lapsed", _l("健康合格证已过期，不能排班")


class QualificationLapsed(BookingError):
    status, slug, title = 409, "qualification-lapsed", _l("资格证书或背景审查已过期，不能排班")


class ShiftTooLong(BookingError):
    status, slug, title = 422, "shift-too-long", _l("超过每日最长排班时数")


class PrepaidLimit(BookingError):
    status, slug, title = 409, "prepaid-limit", _l("预收费不能超过本市规定的月数")


class RateLimited(BookingError):
    status, slug, title = 429, "rate-limited", _l("请求过于频繁，请稍后再试")


def problem(status: int, slug: str, title, detail=None, errors=None, **extra):
    body = {"type": PROBLEM_BASE + slug, "title": str(title), "status": status,
            "detail": str(detail if detail is not None else title)}
    if errors:
        body["errors"] = {k: [str(m) for m in v] for k, v in errors.items()}
    body.update(extra)
    resp = jsonify(body)
    resp.status_code = status
    resp.content_type = "application/problem+json"
    return resp


def problem_from(err: BookingError):
    # docs/api.md, Errors: `errors` belongs to 422 answers only; other statuses carry their detail.
    errors = err.errors if err.status == 422 else None
    return problem(err.status, err.slug, err.title, err.message, errors, **err.extra)


HTTP_SLUGS = {400: "validation", 401: "unauthorized", 403: "forbidden", 404: "not-found",
               405: "method-not-allowed", 409: "conflict", 413: "too-large",
               415: "unsupported-media-type", 422: "validation", 429: "rate-limited"}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _http_title(status, err):
    from flask_wtf.csrf import CSRFError
    if isinstance(err, CSRFError):
        return _("页面已过期，请刷新后重试")
    return {
        400: _("请求格式不正确"), 401: _("请先登录"), 403: _("您没有权限访问此页面"),
        404: _("找不到该页面或记录"), 405: _("不支持此请求方法"), 413: _("上传的内容太大"),
        415: _("不支持的内容类型"), 429: _("请求过于频繁，请稍后再试"),
    }.get(status, _("请求无法完成"))


def register_error_handlers(app):
    from .extensions import db
    from .observability.logs import describe_database_error, log_failure

    @app.errorhandler(BookingError)
    def _booking_error(err):
        db.session.rollback()
        if _is_api():
            return problem_from(err)
        return render_template("error.html", status=err.status, message=err.message), err.status

    @app.errorhandler(HTTPException)
    def _http_error(err):
        status = err.code or 500
        title = _http_title(status, err)
        if _is_api():
            resp = problem(status, HTTP_SLUGS.get(status, "error"), title, title)
            if status == 405 and err.valid_methods:
                resp.headers["Allow"] = ", ".join(err.valid_methods)
            return resp
        if status == 413 and request.max_content_length:
            # A form with a file too large: say the limit, and lead back to the form.
            title = _("上传的内容太大：文件不能超过 %(mb)s MB，请选择较小的文件后重新提交",
                      mb=max(1, request.max_content_length // (1024 * 1024)))
        return render_template("error.html", status=status, message=title), status

    @app.errorhandler(DataError)
    def _unstorable_input(err):
        # Input the database cannot take although it passed validation (PostgreSQL refuses a
        # NUL character in text; SQLite stores it): the request is at fault, not the server.
        # Not the driver's text: it quotes the value refused (a name, a phone number).
        app.logger.warning("input refused by the database: %s", describe_database_error(err))
        db.session.rollback()
        message = _("提交的内容包含无法保存的字符")
        if _is_api():
            return problem(400, "validation", _("请求格式不正确"), message)
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(Exception)
    def _unexpected(err):  # last line of defence: log it, roll back, answer in shape
        log_failure(app.logger, "unhandled error")
        db.session.rollback()
        if _is_api():
            return problem(500, "internal", _("服务器出错了，请稍后再试"))
        return render_template("error.html", status=500, message=_("服务器出错了，请稍后再试")), 500
