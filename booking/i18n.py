"""Language choice and the display filters every template uses."""
import re
from datetime import date, datetime

from flask import g, has_request_context, request, session
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import clock

SUPPORTED = ("zh_Hans_CN", "en")


def select_locale():
    """Session choice, then the account's, then the browser's; Chinese by default.

    Babel normalises zh_CN to zh_Hans_CN, so any `zh*` browser language maps to it here.
    Outside a request (CLI commands, scheduled jobs) the default, Chinese, applies.
    """
    if not has_request_context():
        return None
    lang = request.args.get("lang")
    if lang in ("en", "zh", "zh_Hans_CN"):
        return "en" if lang == "en" else "zh_Hans_CN"
    if session.get("lang") in SUPPORTED:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED:
        return current_user.locale
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    if best and best.startswith("en"):
        return "en"
    return "zh_Hans_CN"


def is_english() -> bool:
    return str(get_locale()).startswith("en")


def yuan(fen) -> str:
    if fen is None:
        return "—"
    return f"¥{fen / 100:,.0f}" if fen % 100 == 0 else f"¥{fen / 100:,.2f}"


def local_dt(value, fmt="yyyy-MM-dd HH:mm") -> str:
    if value is None:
        return "—"
    return format_datetime(value, fmt)


def name_of(obj) -> str:
    """The English name where one exists and the reader reads English."""
    if is_english() and getattr(obj, "name_en", None):
        return obj.name_en
    return obj.name


# Cities by their Chinese name (District.city); District.city_en, where filled, wins.
CITY_EN = {"北京": "Beijing", "上海": "Shanghai", "广州": "Guangzhou", "深圳": "Shenzhen",
           "西安": "Xi'an", "白银": "Baiyin", "大连": "Dalian", "阿拉尔": "Aral",
           "成都": "Chengdu", "杭州": "Hangzhou", "南京": "Nanjing", "武汉": "Wuhan"}


def city_name(city, city_en=None) -> str:
    """A city's name in the reader's language (the English name where one is known)."""
    if not city:
        return city or ""
    if is_english():
        return city_en or CITY_EN.get(city, city)
    return city


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_LABELS = (_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日"))


def open_days(value) -> str:
    """A centre's open days as the seeds and the API store them ("Mon-Fri") in the reader's
    words: 周一至周五 / Mon–Fri. Anything else is shown as typed."""
    m = re.fullmatch(r"\s*([A-Za-z]{3})[a-z]*\s*[-–~至]\s*([A-Za-z]{3})[a-z]*\s*", value or "")
    if not m or m.group(1).lower() not in _DAYS or m.group(2).lower() not in _DAYS:
        return value or ""
    first, last = (_DAYS.index(m.group(i).lower()) for i in (1, 2))
    if is_english():
        return f"{_DAYS[first].title()}–{_DAYS[last].title()}"
    return f"{_DAY_LABELS[first]}至{_DAY_LABELS[last]}"


# render_kw of a form's select whose choices are names (user data): see user_data below.
USER_DATA = {"translate": "no"}


def user_data(value) -> Markup:
    """User data inside a sentence (a name, text someone typed), marked translate="no": it is
    shown as stored in every language, and the browser suite's English check skips it
    (docs/design.md, "User data in templates")."""
    return Markup('<span translate="no">%s</span>') % ("" if value is None else value)


def init_app(app):
    @app.before_request
    def _fresh_locale():
        # Flask-Babel keeps the chosen locale in `g`. When requests run inside an app context
        # that outlives them (the tests do), `g` is shared, so choose anew for every request.
        g.pop("_flask_babel", None)

    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.filters["local_dt"] = local_dt
    app.jinja_env.filters["name_of"] = name_of
    app.jinja_env.filters["city_name"] = city_name
    app.jinja_env.filters["open_days"] = open_days
    app.jinja_env.filters["user"] = user_data
    app.jinja_env.filters["local_date"] = clock.local_date
    app.jinja_env.globals["is_english"] = is_english


class JSONProvider(DefaultJSONProvider):
    """Instants as ISO 8601 in Beijing time with their offset (docs/api.md), dates as YYYY-MM-DD."""

    ensure_ascii = False

    @staticmethod
    def default(o):
        if isinstance(o, datetime):
            return o.astimezone(clock.LOCAL).isoformat() if o.tzinfo else o.isoformat()
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
