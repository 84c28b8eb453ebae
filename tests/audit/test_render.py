"""Every notification kind (audit/render.py KINDS): a notice about a child names it, every
notice leads somewhere the reader can act, none shows an internal id ("预约 #8"), and one
stored before the child's name was kept still renders."""
import re

import pytest

from booking.audit.links import link_for
from booking.audit.models import Notification
from booking.audit.render import KINDS, params_of, render_notification
from booking.audit.services import _dump

# The parameters each kind is stored with today (the services that emit them).
PARAMS = {
    "offer_made": {"entry_id": 5, "slot_id": 6, "reservation_id": 8, "centre": "阳光托育",
                   "replaces": None, "expires_at": "2026-11-25T02:00:00+00:00"},
    "offer_to_switch": {"entry_id": 5, "slot_id": 6, "reservation_id": 8, "centre": "阳光托育",
                        "replaces": 3, "expires_at": "2026-11-25T02:00:00+00:00"},
    "hold_lapsing": {"reservation_id": 8, "expires_at": "2026-11-25T02:00:00+00:00",
                     "centre": "阳光托育"},
    "hold_lapsed": {"reservation_id": 8, "centre": "阳光托育"},
    "enrolled": {"reservation_id": 8, "centre": "阳光托育", "starts_on": "2027-03-01"},
    "reservation_cancelled": {"reservation_id": 8, "centre": "阳光托育"},
    "priority_rejected": {"entry_id": 5, "centre": "阳光托育"},
    "filing_decided": {"action": "approve", "status": "approved", "reasons": ""},
    "centre_closed": {"centre": "阳光托育", "reason": "消防整改", "reservation_id": 8},
    "health_check_verified": {"check_id": 12, "result": "pass"},
    "health_check_returned": {"check_id": 12, "reason": "照片看不清"},
    "exam_result_signed": {"result_id": 3, "conclusion": "follow_up", "institution": "雁塔区妇幼保健院",
                           "follow_up_by": "2027-01-15"},
    "withdrawn": {"reservation_id": 8, "centre": "阳光托育", "on_date": "2026-12-31"},
    "sent_home": {"reservation_id": 8, "centre": "阳光托育", "temperature_c": 38.2,
                  "observations": "精神差"},
    "hold_extended": {"reservation_id": 8, "centre": "阳光托育",
                      "expires_at": "2026-12-01T02:00:00+00:00"},
    "check_window_open": {"reservation_id": 8, "centre": "阳光托育",
                          "expires_at": "2027-08-18T16:00:00+00:00", "starts_on": "2027-09-01"},
    "session_booked": {"booking_id": 9, "centre": "阳光托育", "starts_at": "2026-11-30 09:00"},
    "session_cancelled": {"booking_id": 9, "centre": "阳光托育", "starts_at": "2026-11-30 09:00",
                          "reason": "老师病假"},
    "exam_reminder": {"appointment_id": 9, "institution": "雁塔区妇幼保健院",
                      "starts_at": "2026-12-10 09:00", "address": "长安路 1 号",
                      "bring": "疫苗接种证"},
    "exam_cancelled": {"appointment_id": 9, "institution": "雁塔区妇幼保健院",
                       "starts_at": "2026-12-10 09:00", "reason": "医生外出"},
    "signup_attempt": {},
    "password_reset": {"url": "https://tuowei.example/reset/abc", "expires_at": "2026-11-25T02:00:00+00:00"},
    "staff_invited": {"centre": "阳光托育", "link": "https://tuowei.example/reset/abc"},
    "waits_ended": {"reservation_id": 8, "count": 2},
    "one_place_ended": {"reservation_id": 8, "centre": "阳光托育", "kept": "星星托育"},
    "round_offer": {"round_id": 4, "round": "2027 春季派位", "application_id": 7, "slot_id": 6,
                    "expires_at": "2026-11-25T02:00:00+00:00"},
    "round_unplaced": {"round_id": 4, "round": "2027 春季派位", "application_id": 7,
                       "slot_id": None, "expires_at": None},
    "day_summary": {"reservation_id": 8, "centre": "阳光托育", "on_date": "2026-11-23",
                    "arrived": "08:10", "departed": "17:00", "collected_by": "妈妈",
                    "meals": [], "naps": 1, "nap_minutes": 90, "toilets": 2, "mood": "happy",
                    "notes": 0, "photos": 0},
    "unlisted_pickup": {"reservation_id": 8, "centre": "阳光托育", "name": "张三",
                        "reason": "家长电话确认", "departed_at": "2026-11-23 17:00"},
    "message_received": {"thread_id": 3, "centre": "阳光托育", "side": "centre"},
    "bulletin": {"bulletin_id": 2, "centre": "阳光托育", "title": "元旦放假"},
    "growth_flag": {"measurement_id": 4, "measured_on": "2026-11-20", "what": "WAZ -2.30",
                    "below": ["waz"]},
    "outbreak_alert": {"alert_id": 1, "centre": "阳光托育", "group": "托小班", "symptom": "fever",
                       "count": 3, "window": 1, "since": "2026-11-23", "until": "2026-11-23",
                       "children": "王小明、李小红、赵小刚"},
    "complaint_received": {"complaint_id": 3, "centre": "阳光托育", "category": "safety",
                           "due_on": "2026-12-24"},
    "complaint_account_requested": {"complaint_id": 3, "centre": "阳光托育",
                                    "category": "safety", "due_on": "2026-12-10"},
    "complaint_closed": {"complaint_id": 3, "centre": "阳光托育", "outcome": "upheld",
                         "code": "Abc123xyz_-Q"},
    "centre_change_decided": {"change_id": 4, "centre": "阳光托育", "status": "returned",
                              "reason": "缺少消防验收材料"},
    "subsidy_claim_decided": {"claim_id": 5, "centre": "阳光托育", "month": "2026-10",
                              "status": "returned", "total_fen": 103000, "approved_fen": None,
                              "reason": "出勤天数与考勤不符"},
    "recognition_decided": {"recognition_id": 6, "centre": "阳光托育", "what": "star",
                            "stars": 4, "status": "granted", "valid_until": "2029-11-22"},
    "transfer_decided": {"transfer_id": 3, "from_centre": "阳光托育", "centre": "星星托育",
                         "status": "refused", "starts_on": "2027-03-01", "reason": "班额已满"},
    "fix_item_update": {"fix_id": 7, "centre": "阳光托育", "what": "补装监控", "event": "returned",
                        "due_on": "2026-12-31", "reason": "仍有盲区"},
}
# Kinds that are about one child (or the children of one application): the notice names it.
NOT_ABOUT_A_CHILD = {"filing_decided", "signup_attempt", "password_reset", "staff_invited",
                     "bulletin", "complaint_received", "complaint_account_requested",
                     "complaint_closed", "subsidy_claim_decided", "centre_change_decided",
                     "recognition_decided", "fix_item_update"}
ROLE = {"filing_decided": "staff", "staff_invited": "staff", "outbreak_alert": "staff",
        "complaint_received": "regulator", "complaint_account_requested": "staff",
        "subsidy_claim_decided": "staff", "centre_change_decided": "staff",
        "recognition_decided": "staff", "fix_item_update": "staff"}
CHILD = "王小明"


def _note(kind, params):
    return Notification(id=1, user_id=1, kind=kind, params=_dump(params))


def test_every_kind_has_parameters_here():
    assert set(PARAMS) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_names_the_child_links_somewhere_and_shows_no_id(app, kind):
    params = dict(PARAMS[kind])
    if kind not in NOT_ABOUT_A_CHILD and kind != "outbreak_alert":
        params.update(child=CHILD, child_id=42)
    note = _note(kind, params)
    title, body = render_notification(note)
    text = f"{title} {body}"
    assert title and title != kind
    if kind not in NOT_ABOUT_A_CHILD:
        assert CHILD in text, (kind, text)
    assert not re.search(r"#\s*\d", text), (kind, text)
    with app.test_request_context():
        href = link_for(note, ROLE.get(kind, "parent"))
    assert href and (href.startswith("/") or href.startswith("https://")), (kind, href)


@pytest.mark.parametrize("kind", KINDS)
def test_a_notice_stored_before_the_child_was_named_still_renders(app, kind):
    note = _note(kind, PARAMS[kind])  # no child, no child_id: as older notices were stored
    title, body = render_notification(note)
    assert title and "%(" not in title + body
    assert not re.search(r"#\s*\d", title + body)
    with app.test_request_context():
        assert link_for(note, ROLE.get(kind, "parent"))


def test_links_lead_to_the_record_when_the_notice_names_one(app):
    with app.test_request_context():
        assert link_for(_note("sent_home", {"child_id": 42}), "parent") == "/children/42/absences"
        assert link_for(_note("message_received", {"thread_id": 3}), "staff") == \
            "/messages/threads/3"
        assert link_for(_note("growth_flag", {"child_id": 42}), "staff") == \
            "/staff/children/42/growth"
        assert link_for(_note("growth_flag", {"child_id": 42}), "parent") == "/children/42/growth"
        assert link_for(_note("day_summary", {"child_id": 42, "on_date": "2026-11-23"}),
                        "parent") == "/children/42/days?date=2026-11-23"
        assert link_for(_note("hold_lapsing", {}), "parent") == "/reservations"
        assert link_for(_note("outbreak_alert", {}), "regulator") == "/regulator/outbreaks"
        assert link_for(_note("complaint_received", {"complaint_id": 3}), "regulator") == \
            "/regulator/complaints/3"
        assert link_for(_note("complaint_account_requested", {"complaint_id": 3}), "staff") == \
            "/staff/complaints/3"
        assert link_for(_note("complaint_closed", {"code": "Abc123"}), "parent") == \
            "/complaints/track/Abc123"
        assert link_for(_note("complaint_closed", {}), "parent") == "/complaints/mine"


def test_unreadable_params_render_without_error(app):
    note = Notification(id=1, user_id=1, kind="hold_lapsed", params="not json")
    assert params_of(note) == {}
    title, _body = render_notification(note)
    assert "孩子" in title
