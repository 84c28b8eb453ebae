"""Local stand-ins for Aliyun SMS and the WeChat API: a threading http.server on 127.0.0.1
that checks requests as the providers do (the SMS signature, the access token) and answers
in their shape, including their error codes. `script` lists answers to give before the normal
one, so a test can make a provider fail a given number of times."""
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from booking.notices.aliyun_sms import sign

SECRET = "fake-secret"


class Fake:
    def __init__(self):
        self.sms = []  # accepted SendSms query dicts
        self.wechat = []  # accepted subscribe/send bodies
        self.sms_script = []  # Codes to answer first ("isv.BUSINESS_LIMIT_CONTROL", ...)
        self.wechat_script = []  # errcodes to answer first
        self.bad_signatures = 0
        self.token = "token-1"
        self.tokens_issued = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # Aliyun SendSms
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query,
                                                     keep_blank_values=True))
                given = query.pop("Signature", None)
                with fake.lock:
                    if given != sign(query, SECRET) or query.get("SignatureMethod") != "HMAC-SHA1":
                        fake.bad_signatures += 1
                        return self._answer({"Code": "SignatureDoesNotMatch",
                                             "Message": "Specified signature is not matched"}, 400)
                    if query.get("Action") != "SendSms":
                        return self._answer({"Code": "InvalidAction"}, 400)
                    if fake.sms_script:
                        code = fake.sms_script.pop(0)
                        return self._answer({"Code": code, "Message": code, "RequestId": "r"})
                    if not query["PhoneNumbers"].isdigit():
                        return self._answer({"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "bad"})
                    fake.sms.append(query)
                    return self._answer({"Code": "OK", "Message": "OK", "RequestId": "r",
                                         "BizId": f"biz-{len(fake.sms)}"})

            def do_POST(self):  # WeChat
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                url = urllib.parse.urlsplit(self.path)
                with fake.lock:
                    if url.path == "/cgi-bin/stable_token":
                        if body.get("secret") != SECRET:
                            return self._answer({"errcode": 40125, "errmsg": "invalid appsecret"})
                        if body.get("force_refresh"):
                            fake.token = f"token-{fake.tokens_issued + 2}"
                        fake.tokens_issued += 1
                        return self._answer({"access_token": fake.token, "expires_in": 7200})
                    if url.path == "/cgi-bin/message/subscribe/send":
                        token = dict(urllib.parse.parse_qsl(url.query)).get("access_token")
                        if fake.wechat_script:
                            code = fake.wechat_script.pop(0)
                            if code == 40001:
                                fake.token = "token-stale-replaced"
                            return self._answer({"errcode": code, "errmsg": "scripted"})
                        if token != fake.token:
                            return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                        fake.wechat.append(body)
                        return self._answer({"errcode": 0, "errmsg": "ok", "msgid": len(fake.wechat)})
                    return self._answer({"errcode": 404}, 404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
