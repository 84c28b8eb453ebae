"""The session and remember-me cookies are Secure when TUOWEI_SECURE_COOKIES=1, and, when it is
unset, on every response to a request that came over HTTPS (directly, or as the trusted proxy
says with TUOWEI_PROXIES): a deployment behind HTTPS gets them without a setting, and
`make demo` over plain HTTP still signs in."""
from flask import request
from flask.sessions import SecureCookieSessionInterface


class _SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app) -> bool:
        setting = app.config.get("SESSION_COOKIE_SECURE")
        return bool(setting) if setting is not None else request.is_secure


def _secure_remember_cookie(response):
    from flask import current_app
    if current_app.config.get("REMEMBER_COOKIE_SECURE") is not None or not request.is_secure:
        return response
    name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    cookies = response.headers.getlist("Set-Cookie")
    if any(c.startswith(f"{name}=") and "; Secure" not in c for c in cookies):
        response.headers.remove("Set-Cookie")
        for cookie in cookies:
            secure = cookie.startswith(f"{name}=") and "; Secure" not in cookie
            response.headers.add("Set-Cookie", cookie + "; Secure" if secure else cookie)
    return response


def init_app(app) -> None:
    """Call before Flask-Login's init_app: after-request hooks run in reverse order, so this
    one sees the remember-me cookie Flask-Login has just set."""
    app.session_interface = _SessionInterface()
    app.after_request(_secure_remember_cookie)
