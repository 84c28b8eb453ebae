"""Each anomaly kind found with its evidence; a clean claim shows none; approving a claim
with anomalies needs their explicit acknowledgement (else 409 listing them)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from booking.errors import Conflict
from booking.regulator.models import Filing
from booking.subsidies import anomalies, decisions
from booking.subsidies.models import SubsidyClaim
from tests.subsidy_review.conftest import login, make_claim, text


def test_a_clean_claim_has_none(world, clean_claim):
    assert anomalies.for_claim(clean_claim) == []


def test_a_child_absent_the_whole_month(world):
    k = world["kids"]
    claim = make_claim(world["centre"], lines=[
        {"child_id": k[0].id, "days_enrolled": 21, "days_attended": 0, "open_days": 22,
         "operating_fen": 50000},
        {"child_id": k[1].id, "days_enrolled": 0, "days_attended": 0, "operating_fen": 0}])
    [a] = anomalies.for_claim(claim)
    assert (a.kind, a.child_id, a.child_name) == ("absent_month", k[0].id, "小明")
    assert a.numbers == {"days_enrolled": 21, "days_attended": 0, "open_days": 22,
                         "operating_fen": 50000}
    assert "21" in a.message and "22" in a.message


def test_more_children_on_a_slot_than_places(world):
    k, slot = world["kids"], world["slot"]  # capacity 2
    claim = make_claim(world["centre"], lines=[
        {"child_id": kid.id, "slot_id": slot.id, "operating_fen": 100} for kid in k])
    [a] = anomalies.for_claim(claim)
    assert (a.kind, a.slot_id, a.numbers) == ("over_capacity", slot.id,
                                             {"capacity": 2, "lines": 3})
    assert f"#{slot.id}" in a.message


def test_a_child_claimed_by_two_centres_names_the_other(world, clean_claim):
    k = world["kids"]
    make_claim(world["other"], lines=[{"child_id": k[0].id, "operating_fen": 100}],
               status="approved", approved=100)
    make_claim(world["other"], month="2026-09", lines=[{"child_id": k[1].id}])  # another month
    [a] = anomalies.for_claim(clean_claim)
    assert (a.kind, a.child_id, a.other_centre_id, a.other_centre_name) == (
        "claimed_twice", k[0].id, world["other"].id, "别家托育")


def test_a_claim_for_a_month_after_the_closure(db, world):
    filing = db.session.scalar(select(Filing).where(Filing.centre_id == world["centre"].id))
    filing.status, filing.filing_number = "closed", filing.filing_number or "X-1"
    filing.decided_at = datetime(2026, 9, 14, 3, tzinfo=timezone.utc)
    db.session.commit()
    september = make_claim(world["centre"], month="2026-09",
                           lines=[{"child_id": world["kids"][0].id}])
    october = make_claim(world["centre"], month="2026-10",
                         lines=[{"child_id": world["kids"][1].id, "operating_fen": 700}])
    assert anomalies.for_claim(september) == []  # the month it closed in is claimed fairly
    [a] = anomalies.for_claim(october)
    assert a.kind == "after_closure"
    assert a.numbers == {"closed_on": "2026-09-14", "lines": 1, "total_fen": 700}
    assert "2026-09-14" in a.message


def _absent_claim(world):
    return make_claim(world["centre"], lines=[
        {"child_id": world["kids"][0].id, "days_attended": 0, "operating_fen": 500}])


def test_approving_with_anomalies_needs_acknowledgement(db, world):
    claim = _absent_claim(world)
    with pytest.raises(Conflict) as err:
        decisions.approve(claim.id, world["regulator"])
    assert [a["kind"] for a in err.value.extra["anomalies"]] == ["absent_month"]
    db.session.expire_all()
    assert db.session.get(SubsidyClaim, claim.id).status == "submitted"
    assert decisions.approve(claim.id, world["regulator"],
                             acknowledge_anomalies=True).status == "approved"


def test_the_pages_show_anomalies_and_ask_for_the_checkbox(client, db, world):
    claim = _absent_claim(world)
    login(client, world["regulator"])
    assert "1 项异常" in text(client.get("/regulator/subsidies"))
    page = text(client.get(f"/regulator/subsidies/{claim.id}"))
    assert "整月缺勤仍申报" in page and 'data-kind="absent_month"' in page
    assert 'name="acknowledge"' in page
    resp = client.post(f"/regulator/subsidies/{claim.id}/approve", data={})
    assert resp.status_code == 409 and "异常" in text(resp)
    db.session.expire_all()
    assert db.session.get(SubsidyClaim, claim.id).status == "submitted"
    resp = client.post(f"/regulator/subsidies/{claim.id}/approve", data={"acknowledge": "y"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(SubsidyClaim, claim.id).status == "approved"


def test_in_scope_lists_submitted_first_without_drafts(world, clean_claim):
    make_claim(world["centre2"], month="2026-11", status="approved", approved=0)
    make_claim(world["centre2"], month="2026-12", status="draft")
    make_claim(world["other"], month="2026-10")
    rows = anomalies.in_scope(world["regulator"])
    assert [(c.centre.name, c.status) for c, _a in rows] == [
        ("阳光托育", "submitted"), ("彩虹托育", "approved")]
    assert [c.month for c, _a in anomalies.in_scope(world["city_regulator"], "2026-10")] == \
        ["2026-10", "2026-10"]
    assert anomalies.in_scope(world["regulator"], status="rejected") == []


def test_waiting_counts_submitted_claims_in_scope(world, clean_claim):
    make_claim(world["centre2"], month="2026-11", status="approved", approved=0)
    make_claim(world["other"], month="2026-10")
    assert anomalies.waiting(world["regulator"]) == 1
    assert anomalies.waiting(world["city_regulator"]) == 2
    assert anomalies.waiting(world["director"]) == 0
