"""入托体检 as a service, end to end (docs/exams.md): a family holds a place, books the
intake exam at the district's 妇幼保健院 from the hold, the institution's doctor examines the
child and signs the result, and the centre confirms the enrolment without verifying anything
again.

The world is made through the API: a slot of the seeded 雁塔 centre starting in a month, a new
family with a child and its hold, and a session the institution's clerk publishes for later
today (Beijing), so that the exam can be signed today and is still valid on the start date.
"""
import re
from datetime import datetime, timedelta

import pytest

from .helpers import api, expect, family, log_in, phone, shot, slot, token, beijing_today

pytestmark = pytest.mark.e2e

STAFF_EMAIL, STAFF_PASSWORD = "staff.xa1@tuowei.example", "Staff-demo-2026"
CLINIC_PASSWORD = "Clinic-demo-2026"
CLERK, DOCTOR = "clerk.yanta@tuowei.example", "doctor.yanta@tuowei.example"
CHILD = "体检小宝"


def _later_today():
    """(start, end) of a session later today in Beijing, or a skip when the day is over."""
    from booking.clock import LOCAL
    now = datetime.now(LOCAL)
    start = (now + timedelta(minutes=20)).replace(second=0, microsecond=0)
    if start.date() != now.date() or start.hour >= 23:
        pytest.skip("too late in the Beijing day to publish a session for today")
    return start.strftime("%H:%M"), "23:59"


def _world(server):
    today = beijing_today()
    staff = token(server, STAFF_EMAIL, STAFF_PASSWORD)
    s = slot(server, staff, "public", 100000, 2, today + timedelta(days=30))
    email, password, tok = family(server, "体检家长", "exam")
    kid = api(server, "POST", "/api/v1/children",
              {"name": CHILD, "birth_date": (today - timedelta(days=540)).isoformat()},
              token=tok, status=201)
    api(server, "POST", "/api/v1/reservations", {"slot_id": s["id"], "child_id": kid["id"]},
        token=tok, status=201)
    start, end = _later_today()
    clerk = token(server, CLERK, CLINIC_PASSWORD)
    api(server, "POST", "/api/v1/exam-sessions",
        {"on_date": today.isoformat(), "start_time": start, "end_time": end, "capacity": 3,
         "items": ["history", "anthropometry", "physical", "vaccination"]},
        token=clerk["token"], status=201)
    return email, password, start


def test_hold_appointment_exam_signed_and_enrolment_confirmed(new_context, server, tmp_path):
    email, password, start = _world(server)
    today = beijing_today().isoformat()

    # --- the family books the exam from its hold; today's session is the one suggested
    parent = phone(new_context)
    log_in(parent, email, password)
    parent.goto(server.url("/reservations"))
    parent.get_by_role("link", name=f"预约体检 {CHILD}").first.click()
    expect(parent.get_by_role("heading", level=1)).to_have_text(f"为 {CHILD} 预约入托体检")
    suggested = parent.get_by_role("region", name="推荐场次")
    expect(suggested).to_contain_text("雁塔区妇幼保健院")
    expect(suggested).to_contain_text(start)
    shot(parent, tmp_path, "exam-suggested")
    suggested.get_by_role("button", name="预约这个场次").click()
    expect(parent.get_by_role("status")).to_contain_text(f"已为 {CHILD} 预约 雁塔区妇幼保健院")
    expect(parent.get_by_role("region", name="当前预约")).to_contain_text(start)

    # --- the doctor marks the arrival, enters the examination and signs it
    doctor = new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(doctor, DOCTOR, CLINIC_PASSWORD)
    doctor.goto(server.url("/institution"))
    doctor.get_by_role("link", name=re.compile(re.escape(start))).first.click()
    doctor.get_by_role("button", name=f"到场 {CHILD}").click()
    expect(doctor.get_by_role("status")).to_contain_text(f"已登记 {CHILD}")
    doctor.get_by_role("link", name=f"录入体检结果 {CHILD}").click()
    expect(doctor.get_by_role("heading", level=1)).to_have_text(f"入托体检：{CHILD}")
    doctor.get_by_label("体检日期").fill(today)
    doctor.get_by_label("身长/身高（厘米）").fill("82.5")
    doctor.get_by_label("体重（千克）").fill("11.2")
    doctor.get_by_role("checkbox", name="已查验预防接种证").check()
    doctor.get_by_label("结论").select_option(label="合格")
    doctor.get_by_role("button", name="保存草稿").click()
    expect(doctor.get_by_role("status")).to_contain_text("已保存体检结果草稿")
    doctor.get_by_role("button", name="确认无误，签名").click()
    expect(doctor.get_by_role("status")).to_contain_text(f"已签名：{CHILD} 的入托体检结果已发送给家长")
    shot(doctor, tmp_path, "exam-signed")

    # --- the centre confirms the place: the check is verified at the source
    staff = new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(server.url("/staff/health"))
    row = staff.get_by_role("row").filter(has_text=CHILD)
    expect(row.first).to_contain_text("体检机构出具（已核验）")
    expect(row.get_by_role("button", name="核验")).to_have_count(0)
    staff.goto(server.url("/staff/reservations"))
    staff.get_by_role("button", name=f"确认入托 {CHILD}").first.click()
    expect(staff.get_by_role("status")).to_contain_text(f"已确认 {CHILD} 入托")

    # --- the family sees the signed result and the enrolment
    parent.goto(server.url("/reservations"))
    expect(parent.get_by_role("row").filter(has_text=CHILD).first).to_contain_text("已入托")
    parent.goto(server.url("/health"))
    parent.get_by_role("link", name="查看体检机构出具的完整结果").first.click()
    parent.get_by_role("link", name=f"{today} · 雁塔区妇幼保健院").click()
    expect(parent.get_by_role("main")).to_contain_text("雁塔区妇幼保健院")
    expect(parent.get_by_role("main")).to_contain_text("合格")
    expect(parent.get_by_role("main")).to_contain_text("刘医生")
    shot(parent, tmp_path, "exam-result-family")
