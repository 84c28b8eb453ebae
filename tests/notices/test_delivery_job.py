"""deliver_notices: notices reach phones through the fake Aliyun and WeChat servers, once;
failures are retried with backoff, refusals and the 8th failure give up; two runs at once
never send one notice twice (docs/notices.md)."""
import threading
from datetime import timedelta

from sqlalchemy import select

from booking.audit.services import notify
from booking.clock import now
from booking.extensions import db
from booking.notices import delivery
from booking.notices.aliyun_sms import sign
from booking.notices.registry import outside_channels
from booking.notices.delivery import deliver_notices
from booking.notices.models import NotificationDelivery
from booking.notices.preferences import save
from tests import factories as f


def parent(phone="13800000001", openid="o-openid-1"):
    u = f.user()
    u.phone, u.wechat_openid = phone, openid
    db.session.commit()
    return u


def rows():
    db.session.expire_all()
    return db.session.scalars(select(NotificationDelivery).order_by(NotificationDelivery.id)).all()


def urgent(user, kind="sent_home"):
    note = notify(user.id, kind, child="小明")
    db.session.commit()
    return note


def test_nothing_is_sent_without_credentials(app):
    u = parent()
    urgent(u)
    assert deliver_notices() == 0
    assert rows() == []


def test_an_urgent_notice_goes_by_sms_and_wechat_once(app, fake):
    u = parent()
    note = urgent(u)
    assert deliver_notices() == 2
    assert len(fake.sms) == 1 and len(fake.wechat) == 1
    sms = fake.sms[0]
    assert sms["PhoneNumbers"] == "13800000001" and sms["OutId"] == f"{note.id}:sms"
    assert sms["TemplateCode"] == "SMS_1" and "title" in sms["TemplateParam"]
    assert fake.wechat[0]["touser"] == "o-openid-1" and fake.wechat[0]["template_id"] == "tmpl-1"
    assert {(d.channel, d.status, d.attempts, d.idempotency_key) for d in rows()} == {
        ("sms", "sent", 1, f"{note.id}:sms"), ("wechat", "sent", 1, f"{note.id}:wechat")}
    assert {d.provider_message_id for d in rows()} == {"biz-1", "1"}
    # Later runs send nothing again: a sent delivery is never claimed.
    assert deliver_notices(now=now() + timedelta(days=1)) == 0
    assert deliver_notices() == 0
    assert len(fake.sms) == 1 and len(fake.wechat) == 1


def test_defaults_everyday_notices_stay_in_the_app_and_sms_is_for_safety(app, fake):
    u = parent()
    urgent(u, "day_summary")
    urgent(u, "offer_made")
    deliver_notices()
    assert fake.sms == []  # offer_made: SMS off by default
    assert [d.channel for d in rows()] == ["wechat"]


def test_preferences_are_followed(app, fake):
    u = parent()
    save(u, [("*", "wechat", False), ("offer_made", "sms", True)])
    urgent(u, "offer_made")
    urgent(u, "sent_home")
    deliver_notices()
    assert len(fake.sms) == 2 and fake.wechat == []


def test_a_user_without_a_phone_or_openid_gets_no_delivery(app, fake):
    u = f.user(email="only@example.cn")
    urgent(u)
    assert deliver_notices() == 0 and rows() == []


def test_the_signature_is_checked_by_the_fake(app, fake):
    """The fake refuses a request signed with another secret: our signature is what it
    computes from the query, per Aliyun's method."""
    app.config["ALIYUN_SMS_ACCESS_KEY_SECRET"] = "wrong"
    u = parent(openid=None)
    urgent(u)
    deliver_notices()
    assert fake.bad_signatures == 1 and fake.sms == []
    (d,) = rows()
    assert d.status == "given_up" and d.last_error == "SignatureDoesNotMatch"


def test_signature_matches_aliyuns_documented_example():
    """The worked example of Aliyun's signature method v1 (DescribeRegions, secret
    'testsecret')."""
    params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
              "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
              "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
    assert sign(params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_a_throttled_sms_is_retried_with_backoff_then_sent_exactly_once(app, fake):
    u = parent(openid=None)
    urgent(u)
    fake.sms_script = ["isv.BUSINESS_LIMIT_CONTROL", "isv.BUSINESS_LIMIT_CONTROL"]
    t0 = now()
    assert deliver_notices(now=t0) == 0
    (d,) = rows()
    assert (d.status, d.attempts, d.last_error) == ("failed", 1, "isv.BUSINESS_LIMIT_CONTROL")
    assert d.next_attempt_at == t0 + timedelta(seconds=60)
    assert deliver_notices(now=t0 + timedelta(seconds=59)) == 0  # not due yet
    assert rows()[0].attempts == 1
    assert deliver_notices(now=t0 + timedelta(seconds=60)) == 0
    (d,) = rows()
    assert d.attempts == 2 and d.next_attempt_at == t0 + timedelta(seconds=60 + 120)
    assert deliver_notices(now=t0 + timedelta(seconds=180)) == 1
    assert deliver_notices(now=t0 + timedelta(hours=1)) == 0
    (d,) = rows()
    assert (d.status, d.attempts, d.last_error) == ("sent", 3, None)
    assert len(fake.sms) == 1


def test_an_illegal_number_gives_up_at_once(app, fake):
    u = parent(openid=None)
    urgent(u)
    fake.sms_script = ["isv.MOBILE_NUMBER_ILLEGAL"]
    deliver_notices()
    (d,) = rows()
    assert (d.status, d.attempts, d.last_error) == ("given_up", 1, "isv.MOBILE_NUMBER_ILLEGAL")
    assert deliver_notices(now=now() + timedelta(hours=2)) == 0 and fake.sms == []


def test_given_up_after_eight_failures(app, fake):
    u = parent(openid=None)
    urgent(u)
    fake.sms_script = ["isv.BUSINESS_LIMIT_CONTROL"] * 10
    at = now()
    for attempt in range(1, 9):
        deliver_notices(now=at)
        (d,) = rows()
        assert d.attempts == attempt
        at = d.next_attempt_at
    assert d.status == "given_up"
    assert deliver_notices(now=at + timedelta(days=1)) == 0
    assert rows()[0].attempts == 8 and fake.sms == []


def test_wechat_refreshes_an_invalid_token_and_sends(app, fake):
    u = parent(phone=None)
    urgent(u)
    fake.wechat_script = [40001]
    assert deliver_notices() == 1
    assert len(fake.wechat) == 1 and fake.tokens_issued == 2
    assert rows()[0].status == "sent"


def test_wechat_refused_subscription_gives_up(app, fake):
    u = parent(phone=None)
    urgent(u)
    fake.wechat_script = [43101]
    deliver_notices()
    (d,) = rows()
    assert (d.status, d.last_error) == ("given_up", "errcode_43101") and fake.wechat == []


def test_a_provider_that_does_not_answer_is_retried(app, fake):
    u = parent(openid=None)
    urgent(u)
    app.config["ALIYUN_SMS_BASE_URL"] = "http://127.0.0.1:9/"  # nothing listens there
    deliver_notices()
    (d,) = rows()
    assert (d.status, d.last_error) == ("failed", "network")


def test_a_claim_keeps_other_runs_off_until_it_lapses(app, fake):
    u = parent(openid=None)
    urgent(u)
    delivery.enqueue(outside_channels(), now())  # queued, as a run does first
    (d,) = rows()
    d.claimed_at = now()  # a run that died mid-send
    db.session.commit()
    assert deliver_notices() == 0
    assert deliver_notices(now=now() + timedelta(seconds=delivery.CLAIM_SECONDS + 1)) == 1
    assert len(fake.sms) == 1


def test_two_runs_at_once_send_each_notice_once(app, fake):
    users = [parent(phone=f"1390000000{i}", openid=None) for i in range(5)]
    for u in users:
        urgent(u)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                results.append(deliver_notices())
            except Exception as err:  # noqa: BLE001 - reported below
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    deliver_notices()  # whatever a locked-out run left
    assert sum(results) <= 5
    assert sorted(q["PhoneNumbers"] for q in fake.sms) == sorted(u.phone for u in users)
    assert {d.status for d in rows()} == {"sent"} and len(rows()) == 5
