"""The rules of a recognition: criteria computed live, one open application, decisions with a
term, the flag following the grant in force (even before the expiry job), renewal chaining."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent, Notification
from booking.centres.models import Centre
from booking.centres.services import SearchFilters, disclosure, search_centres
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.recognition import queries, services
from booking.recognition.models import Recognition
from booking.regulator.models import Inspection
from tests import factories as f
from tests.recognition.world import world  # noqa: F401


def _criteria(rows):
    return {r["code"]: r for r in rows}


def _events(db, action):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_affordable_criteria_show_a_fee_above_the_cap_as_unmet(db, world):
    c = world["centre"]
    ok = f.slot(c, category="affordable", fee=170000, capacity=6)
    over = f.slot(c, category="affordable", fee=150000, capacity=4)
    over.monthly_fee_fen = 190000  # the cap was lowered since (toddler cap 180,000)
    db.session.add(Inspection(centre_id=c.id, inspected_on=date(2026, 10, 1), grade="B", score=750))
    db.session.commit()
    crit = _criteria(queries.criteria(c, "affordable"))
    assert crit["fees_within_cap"]["met"] is False
    assert crit["fees_within_cap"]["value"] == [
        {"slot_id": over.id, "fee_fen": 190000, "cap_fen": 180000}]
    assert crit["places"]["value"] == 10 and ok.id != over.id
    assert crit["inspection_grade"] == {"code": "inspection_grade", "value": "B", "met": True}
    over.monthly_fee_fen = 180000
    db.session.commit()
    assert _criteria(queries.criteria(c, "affordable"))["fees_within_cap"]["met"] is True


def test_star_criteria_count_upheld_complaints_of_the_last_year(db, world):
    from booking.complaints.models import Complaint
    c = world["centre"]
    db.session.add(Inspection(centre_id=c.id, inspected_on=date(2026, 9, 1), grade="A", score=900))
    for closed in (clock.now() - timedelta(days=30), clock.now() - timedelta(days=400)):
        db.session.add(Complaint(centre_id=c.id, district_id=c.district_id, category="safety",
                                 body="x", anonymous=True, contact="13900001111",
                                 tracking_code=f"t{closed.day}{closed.month}", status="closed",
                                 due_on=date(2026, 12, 1), outcome="upheld", outcome_text="属实",
                                 closed_at=closed))
    db.session.commit()
    crit = _criteria(queries.criteria(c, "star"))
    assert crit["complaints_upheld_12m"] == {"code": "complaints_upheld_12m", "value": 1,
                                             "met": False}
    assert crit["inspection_grade"]["met"] is True


def test_grant_sets_the_term_the_flag_the_audit_and_tells_the_director(db, world):
    c, reg = world["centre"], world["regulator"]
    rec = services.apply(c.id, world["director"], kind="affordable")
    assert rec.status == "applied" and not disclosure(c)["affordable"]
    services.grant(rec.id, reg)
    assert (rec.valid_from, rec.valid_until) == (date(2026, 11, 23), date(2029, 11, 22))
    assert db.session.get(Centre, c.id).affordable is True
    d = disclosure(c)
    assert d["affordable"] is True and d["affordable_valid_until"] == "2029-11-22"
    assert _events(db, "recognition.granted") == 1
    [note] = db.session.scalars(select(Notification).where(
        Notification.kind == "recognition_decided")).all()
    assert note.user_id == world["director"].id


def test_a_second_open_application_is_refused(db, world):
    c = world["centre"]
    services.apply(c.id, world["director"], kind="star", stars=3)
    with pytest.raises(Conflict):
        services.apply(c.id, world["director"], kind="star", stars=4)
    services.apply(c.id, world["director"], kind="affordable")  # another kind is its own
    assert db.session.scalar(select(func.count(Recognition.id))) == 2


def test_a_director_applies_only_for_their_centre_and_with_valid_stars(db, world):
    with pytest.raises(NotFound):
        services.apply(world["other"].id, world["director"], kind="affordable")
    with pytest.raises(ValidationFailed):
        services.apply(world["centre"].id, world["director"], kind="star", stars=6)
    assert db.session.scalar(select(func.count(Recognition.id))) == 0


def test_deciding_twice_is_refused(db, world):
    rec = services.apply(world["centre"].id, world["director"], kind="star", stars=4)
    services.refuse(rec.id, world["regulator"], reason="检查等级未达 A")
    with pytest.raises(Conflict):
        services.grant(rec.id, world["city_regulator"])
    assert db.session.get(Recognition, rec.id).status == "refused"
    assert db.session.get(Centre, world["centre"].id).star_rating == 0


def test_refusing_without_a_reason_changes_nothing(db, world):
    rec = services.apply(world["centre"].id, world["director"], kind="affordable")
    with pytest.raises(ValidationFailed) as err:
        services.refuse(rec.id, world["regulator"], reason="  ")
    assert "reason" in err.value.errors
    assert db.session.get(Recognition, rec.id).status == "applied"
    assert _events(db, "recognition.refused") == 0


def test_a_regulator_outside_the_district_finds_nothing(db, world):
    rec = services.apply(world["centre"].id, world["director"], kind="affordable")
    with pytest.raises(NotFound):
        services.grant(rec.id, world["far_regulator"])
    assert db.session.get(Recognition, rec.id).status == "applied"


def test_withdrawal_clears_the_flag_and_needs_a_reason(db, world):
    c = world["centre"]
    rec = services.apply(c.id, world["director"], kind="star", stars=4)
    services.grant(rec.id, world["regulator"])
    assert db.session.get(Centre, c.id).star_rating == 4
    with pytest.raises(ValidationFailed):
        services.withdraw(rec.id, world["regulator"], reason="")
    services.withdraw(rec.id, world["regulator"], reason="发生安全事故")
    assert db.session.get(Centre, c.id).star_rating == 0 and disclosure(c)["star_rating"] == 0
    with pytest.raises(Conflict):
        services.withdraw(rec.id, world["regulator"], reason="再次撤销")


def test_the_day_after_the_term_the_centre_is_not_affordable_even_before_the_job(db, world):
    c = world["centre"]
    rec = services.apply(c.id, world["director"], kind="affordable")
    services.grant(rec.id, world["regulator"], valid_until=date(2026, 12, 31))
    assert [x.id for x, _s, _p in search_centres(SearchFilters(affordable=True))[0]] == [c.id]
    clock.set(datetime(2027, 1, 1, 2, 0, tzinfo=timezone.utc))
    assert db.session.get(Centre, c.id).affordable is True      # the cache, before the job
    assert disclosure(c)["affordable"] is False
    assert search_centres(SearchFilters(affordable=True))[0] == []
    assert c.id in [x.id for x, _s, _p in search_centres(SearchFilters(affordable=False))[0]]
    assert services.expire_recognitions() == 1
    assert services.expire_recognitions() == 0                  # idempotent
    assert db.session.get(Centre, c.id).affordable is False
    assert db.session.get(Recognition, rec.id).status == "expired"


def test_renewal_opens_90_days_before_expiry_and_starts_when_the_old_ends(db, world):
    c, director, reg = world["centre"], world["director"], world["regulator"]
    first = services.grant(services.apply(c.id, director, kind="affordable").id, reg,
                           valid_until=date(2027, 3, 31))
    with pytest.raises(Conflict):           # 128 days before the end: too early
        services.apply(c.id, director, kind="affordable")
    clock.set(datetime(2027, 1, 5, 2, 0, tzinfo=timezone.utc))
    renewal = services.apply(c.id, director, kind="affordable")
    with pytest.raises(ValidationFailed):   # may not start inside the current term
        services.grant(renewal.id, reg, valid_from=date(2027, 2, 1))
    services.grant(renewal.id, reg)
    assert renewal.valid_from == date(2027, 4, 1) and renewal.valid_until == date(2030, 3, 31)
    assert queries.in_force(c.id, "affordable").id == first.id
    clock.set(datetime(2027, 4, 1, 2, 0, tzinfo=timezone.utc))
    assert queries.in_force(c.id, "affordable").id == renewal.id
    services.expire_recognitions()
    assert db.session.get(Centre, c.id).affordable is True       # the renewal carries on
    assert db.session.get(Recognition, first.id).status == "expired"


def test_a_centre_entered_as_affordable_holds_a_grant(db, world):
    c = f.centre(world["district"], affordable=True, star_rating=3)
    [aff, star] = sorted(queries.of_centre(c.id), key=lambda r: r.kind)
    assert (aff.kind, aff.status, star.stars) == ("affordable", "granted", 3)
    assert aff.reason == services.MIGRATED and aff.valid_until == date(2029, 11, 22)
    assert disclosure(c)["star_rating"] == 3 and c.affordable is True
