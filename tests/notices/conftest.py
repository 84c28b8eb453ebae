import pytest

from booking.notices import wechat
from tests.notices.fakes import SECRET, Fake


@pytest.fixture
def fake(app):
    wechat._tokens.clear()
    with Fake() as server:
        app.config.update(
            ALIYUN_SMS_ACCESS_KEY_ID="fake-key", ALIYUN_SMS_ACCESS_KEY_SECRET=SECRET,
            ALIYUN_SMS_SIGN_NAME="拓维托育", ALIYUN_SMS_TEMPLATE_CODE="SMS_1",
            ALIYUN_SMS_BASE_URL=server.url + "/",
            WECHAT_APPID="wx-fake", WECHAT_SECRET=SECRET, WECHAT_TEMPLATE_ID="tmpl-1",
            WECHAT_BASE_URL=server.url)
        yield server
    wechat._tokens.clear()
