"""How an API route is declared: one decorator parses, authenticates and documents it.

The OpenAPI document is generated from the same pydantic schemas that validate requests
(docs/design.md, "The API"), so it cannot drift from the code.
"""
import json
from dataclasses import dataclass, field
from functools import wraps

from flask import Response, g, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from ..auth.permissions import allowed, roles_for
from ..errors import BadRequest, Forbidden, NotFound, Unauthorized, ValidationFailed
from . import bp


@dataclass
class Operation:
    path: str
    method: str
    func_name: str
    summary: str
    tags: list
    body: type | None
    query: type | None
    response: object
    status: int
    auth: tuple | None
    errors: tuple
    idempotent: bool
    path_params: list = field(default_factory=list)
    permission: str | None = None


OPERATIONS: list[Operation] = []
MAX_ID = 2**31 - 1


def _message(err: dict) -> str:
    """A pydantic error in the reader's language."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return _("必填")
    if kind in ("string_too_long",):
        return _("最多 %(n)s 个字符", n=ctx.get("max_length"))
    if kind in ("string_too_short",):
        return _("至少 %(n)s 个字符", n=ctx.get("min_length"))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("应为整数")
    if kind in ("bool_type", "bool_parsing"):
        return _("应为 true 或 false")
    if kind in ("float_type", "float_parsing"):
        return _("应为数字")
    if kind in ("string_type",):
        return _("应为文本")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("不是有效日期，格式为 YYYY-MM-DD")
    if kind in ("literal_error", "enum"):
        return _("应为以下之一：%(values)s", values=ctx.get("expected", ""))
    if kind in ("greater_than_equal",):
        return _("不能小于 %(n)s", n=ctx.get("ge"))
    if kind in ("greater_than",):
        return _("必须大于 %(n)s", n=ctx.get("gt"))
    if kind in ("less_than_equal",):
        return _("不能大于 %(n)s", n=ctx.get("le"))
    if kind in ("less_than",):
        return _("必须小于 %(n)s", n=ctx.get("lt"))
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error") or err.get("msg"))
    if kind == "string_pattern_mismatch":
        return _("格式不正确")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("应为 JSON 对象")
    return _("值无效")


def validation_errors(exc: ValidationError) -> dict:
    errors: dict[str, list[str]] = {}
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "body"
        errors.setdefault(loc, []).append(_message(err))
    return errors


def parse_body(schema: type[BaseModel]):
    raw = request.get_data(cache=True)
    if request.mimetype != "application/json" and raw:
        raise BadRequest(_("请以 application/json 发送请求"))
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[...]]]]
        raise BadRequest(_("请求正文不是有效的 JSON"))
    if not isinstance(data, dict):
        raise BadRequest(_("请求正文应为 JSON 对象"))
    _refuse_nul(data)
    try:
        return schema.model_validate_json(raw)
    except ValidationError as exc:
        raise ValidationFailed(errors=validation_errors(exc))


def _refuse_nul(data) -> None:
    """Text holding a NUL character is refused on both databases: PostgreSQL cannot store it.

    Walks the parsed JSON without recursion (it may be nested as deep as json.loads allows).
    :raises ValidationFailed: naming each field that holds one.
    """
    errors: dict[str, list[str]] = {}
    stack = [("", data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{loc}.{k}" if loc else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{loc}.{i}" if loc else str(i), v) for i, v in enumerate(value))
        elif isinstance(value, str) and "\x00" in value:
            errors[loc or "body"] = [_("不能包含空字符 (U+0000)")]
    if errors:
        raise ValidationFailed(errors=errors)


def parse_query(schema: type[BaseModel]):
    data = {k: v for k, v in request.args.items()}
    _refuse_nul(data)
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(errors=validation_errors(exc))


def current_api_user(optional=False):
    """The user behind the bearer token. The API never takes cookie auth (docs/api.md)."""
    from ..auth.tokens import user_for_token

    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization", "")
    user = None
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
        if user is None:
            raise Unauthorized(_("令牌无效或已过期，请重新获取"))
    elif not optional:
        raise Unauthorized()
    g.api_user = user
    return user


def endpoint(rule, method="GET", *, summary, tags=(), body=None, query=None, response=None,
             status=200, auth=None, errors=(), idempotent=False, limit=None, permission=None):
    """Declare an API route.

    `auth`: None (public), "any" (any signed-in user) or a tuple of roles.
    `permission`: an action of auth/permissions.py's table, the same the pages ask: a signed-in
    user whose role lacks it gets 403 (it implies `auth`; the object's scope stays the view's).
    `limit`: a Flask-Limiter limit (string or callable) for this route. The view receives
    `body=` and `query=` when declared and returns a pydantic model, a list, a dict or a
    Response; it is serialised with `status`.
    """
    if permission is not None:
        if auth is not None:
            raise TypeError("declare either auth= or permission=, not both")
        auth = roles_for(permission)
    roles = None if auth is None else (() if auth == "any" else tuple(auth))

    def deco(view):
        @wraps(view)
        def wrapper(**kwargs):
            # Ids beyond a 32-bit integer name nothing (and would overflow the column).
            if any(isinstance(v, int) and not 0 < v <= MAX_ID for v in kwargs.values()):
                raise NotFound()
            if roles is not None:
                user = current_api_user()
                if roles and user.role not in roles:
                    raise Forbidden()
                if permission is not None and not allowed(user, permission):
                    raise Forbidden()
            else:
                current_api_user(optional=True)
            if query is not None:
                kwargs["query"] = parse_query(query)
            if idempotent:
                from .idempotency import replay_or_run
                return replay_or_run(lambda: _respond(view, kwargs, body, status))
            return _respond(view, kwargs, body, status)

        view_func = wrapper
        if limit is not None:
            from ..extensions import limiter
            view_func = limiter.limit(limit)(wrapper)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view_func, methods=[method])
        OPERATIONS.append(Operation(rule, method.lower(), view.__name__, summary, list(tags),
                                    body, query, response, status, roles, tuple(errors),
                                    idempotent, permission=permission))
        wrapper.permission = permission
        return wrapper

    return deco


def _respond(view, kwargs, body, status):
    if body is not None:
        kwargs["body"] = parse_body(body)
    result = view(**kwargs)
    if isinstance(result, Response):
        return result
    return jsonify(to_json(result)), status


_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_json(result):
    if type(result) in _SCALARS:  # most values: one test, not three (100,000 round results)
        return result
    if isinstance(result, BaseModel):
        return result.model_dump()
    if isinstance(result, list):
        return [to_json(r) for r in result]
    if isinstance(result, dict):
        return {k: to_json(v) for k, v in result.items()}
    return result
