"""Aliyun SMS (阿里云短信服务) SendSms, the RPC API with signature method v1 (HMAC-SHA1).

The request is a GET whose query holds the common and the action's parameters plus
`Signature` = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)), where StringToSign =
"GET&%2F&" + percent-encode(the sorted, percent-encoded "k=v&k=v" query). Percent-encoding
is RFC 3986's: only A-Z a-z 0-9 - _ . ~ stay as they are (a space is %20, never +).

`OutId` carries our idempotency key, so a resend after a lost answer can be matched to the
first one in Aliyun's delivery receipts.
"""
import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone

from flask_babel import force_locale

from .channels import DeliveryResult, idempotency_key

# Aliyun's codes that a later try may get past; every other non-OK code will not change.
RETRY_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "SignatureNonceUsed",
               "Throttling.User", "ServiceUnavailable", "InternalError"}
TIMEOUT = 10


def percent_encode(value: str) -> str:
    return urllib.parse.quote(str(value), safe="-_.~")


def canonical_query(params: dict) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def sign(params: dict, secret: str, method: str = "GET") -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    name = "sms"

    def __init__(self, config):
        self.key_id = config.get("ALIYUN_SMS_ACCESS_KEY_ID") or ""
        self.secret = config.get("ALIYUN_SMS_ACCESS_KEY_SECRET") or ""
        self.sign_name = config.get("ALIYUN_SMS_SIGN_NAME") or ""
        self.template = config.get("ALIYUN_SMS_TEMPLATE_CODE") or ""
        self.base_url = config.get("ALIYUN_SMS_BASE_URL") or "https://dysmsapi.aliyuncs.com/"

    def configured(self):
        return all((self.key_id, self.secret, self.sign_name, self.template))

    def reachable(self, user):
        return bool(user.phone)

    def params(self, phone: str, title: str, out_id: str) -> dict:
        return {
            "AccessKeyId": self.key_id, "Action": "SendSms", "Format": "JSON",
            "RegionId": "cn-hangzhou", "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25", "PhoneNumbers": phone, "SignName": self.sign_name,
            "TemplateCode": self.template,
            # The approved template has one variable, ${title}: the notice's title (an SMS
            # carries no link or body; the app has the rest).
            "TemplateParam": json.dumps({"title": title[:35]}, ensure_ascii=False),
            "OutId": out_id,
        }

    def send(self, user, notice):
        from ..audit.render import render_notification

        with force_locale(user.locale):
            title, _body = render_notification(notice, user.locale)
        params = self.params(user.phone, title, idempotency_key(notice, self.name))
        params["Signature"] = sign(params, self.secret)
        url = f"{self.base_url}?{canonical_query(params)}"
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:  # Aliyun answers errors with 4xx/5xx and JSON
            try:
                answer = json.loads(err.read() or b"{}")
            except ValueError:
                return DeliveryResult.retry(f"http_{err.code}")
        except (OSError, ValueError):
            return DeliveryResult.retry("network")
        code = str(answer.get("Code") or "unknown")
        if code == "OK":
            return DeliveryResult.sent(answer.get("BizId"))
        return DeliveryResult.retry(code) if code in RETRY_CODES else DeliveryResult.give_up(code)
