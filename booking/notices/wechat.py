"""WeChat mini-program subscription messages (订阅消息).

`POST {base}/cgi-bin/message/subscribe/send?access_token=...` with the user's openid, the
template and its data; the access token comes from `POST {base}/cgi-bin/stable_token` (the
stable token, shared safely by several processes) and is kept in this process until shortly
before it expires. An answer of 40001/42001 (token invalid or expired) refreshes the token
(`force_refresh`) and tries once more.

WeChat takes no idempotency key: a send whose answer was lost cannot be told apart from one
that never arrived, so such a notice may reach the phone twice. The job only resends after
a failure it saw (docs/notices.md, "At least once").
"""
import json
import threading
import time
import urllib.error
import urllib.request

from flask_babel import force_locale

from .channels import DeliveryResult

TIMEOUT = 10
TOKEN_ERRORS = {40001, 42001}
# Codes a later try may get past: system busy, rate limit.
RETRY_ERRORS = {-1, 45009, 45011}

_tokens: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read() or b"{}")


class WechatSubscribe:
    name = "wechat"

    def __init__(self, config):
        self.appid = config.get("WECHAT_APPID") or ""
        self.secret = config.get("WECHAT_SECRET") or ""
        self.template = config.get("WECHAT_TEMPLATE_ID") or ""
        self.base_url = (config.get("WECHAT_BASE_URL") or "https://api.weixin.qq.com").rstrip("/")

    def configured(self):
        return all((self.appid, self.secret, self.template))

    def reachable(self, user):
        return bool(user.wechat_openid)

    def token(self, force=False) -> str | None:
        with _lock:
            cached = _tokens.get(self.appid)
            if cached and not force and cached[1] > time.monotonic():
                return cached[0]
            answer = _post(f"{self.base_url}/cgi-bin/stable_token", {
                "grant_type": "client_credential", "appid": self.appid, "secret": self.secret,
                "force_refresh": force})
            token = answer.get("access_token")
            if not token:
                return None
            # Renewed five minutes early: a token is never used in its last moments.
            _tokens[self.appid] = (token, time.monotonic() + int(answer.get("expires_in", 7200)) - 300)
            return token

    def body(self, user, notice) -> dict:
        from ..audit.render import render_notification
        from ..clock import LOCAL

        with force_locale(user.locale):
            title, _body = render_notification(notice, user.locale)
        # The template's fields: thing1 (≤ 20 characters) and time2.
        return {"touser": user.wechat_openid, "template_id": self.template,
                "page": "pages/inbox/index",
                "lang": "zh_CN" if user.locale.startswith("zh") else "en_US",
                "data": {"thing1": {"value": title[:20]},
                         "time2": {"value": notice.created_at.astimezone(LOCAL)
                                   .strftime("%Y-%m-%d %H:%M")}}}

    def send(self, user, notice):
        body = self.body(user, notice)
        try:
            for attempt in range(2):
                token = self.token(force=attempt > 0)
                if token is None:
                    return DeliveryResult.retry("token")
                answer = _post(f"{self.base_url}/cgi-bin/message/subscribe/send"
                               f"?access_token={token}", body)
                code = int(answer.get("errcode", 0))
                if code not in TOKEN_ERRORS:
                    break
        except (OSError, ValueError):
            return DeliveryResult.retry("network")
        if code == 0:
            msgid = answer.get("msgid")
            return DeliveryResult.sent(str(msgid) if msgid is not None else None)
        error = f"errcode_{code}"
        return DeliveryResult.retry(error) if code in RETRY_ERRORS | TOKEN_ERRORS \
            else DeliveryResult.give_up(error)
