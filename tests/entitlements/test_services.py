"""The subsidy city and the family's applications: who may, what is refused (and that a
refusal changes nothing), the status machine, the audit trail."""
from datetime import date

import pytest
from sqlalchemy import func, select

from booking.audit.labels import ACTION_LABELS
from booking.audit.models import AuditEvent
from booking.entitlements import services
from booking.entitlements.models import AllowanceApplication
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.extensions import db
from tests.entitlements.world import child, world  # noqa: F401


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def count():
    return db.session.scalar(select(func.count(AllowanceApplication.id)))


def test_the_guardian_declares_the_city_and_it_is_audited(world):
    kid = child(world["parent"], date(2024, 3, 15))
    services.set_subsidy_city(kid.id, world["parent"], "白银")
    assert kid.subsidy_city == "白银"
    [event] = events("child.subsidy_city_set")
    assert '"白银"' in event.after and event.actor_id == world["parent"].id
    assert "child.subsidy_city_set" in ACTION_LABELS
    services.set_subsidy_city(kid.id, world["parent"], "")
    assert kid.subsidy_city is None  # back to the centre's city


def test_a_city_without_a_policy_or_a_strangers_child_is_refused(world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    with pytest.raises(ValidationFailed) as err:
        services.set_subsidy_city(kid.id, world["parent"], "火星")
    assert "city" in err.value.errors
    with pytest.raises(NotFound):
        services.set_subsidy_city(kid.id, world["other"], "白银")
    db.session.expire_all()
    assert kid.subsidy_city == "阿拉尔" and events("child.subsidy_city_set") == []


def apply(w, kid, **kw):
    kw.setdefault("scheme", "national")
    kw.setdefault("applied_on", date(2026, 11, 2))
    return services.record_application(kid.id, w["parent"], **kw)


def test_one_open_application_per_scheme(world):
    kid = child(world["parent"], date(2024, 5, 10), city="白银", older=1)
    a = apply(world, kid, reference="BY-2026-0001")
    assert (a.status, a.status_on, a.city, a.recorded_by) == (
        "applied", date(2026, 11, 2), "白银", world["parent"].id)
    with pytest.raises(Conflict):
        apply(world, kid)
    assert count() == 1
    apply(world, kid, scheme="city")  # another scheme
    assert count() == 2
    assert len(events("allowance.application_recorded")) == 2


def test_a_rejected_application_may_be_followed_by_a_new_one(world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    a = apply(world, kid)
    services.update_status(a.id, world["parent"], status="rejected", status_on=date(2026, 11, 10),
                           note="材料不全")
    b = apply(world, kid, applied_on=date(2026, 11, 20))
    assert [x.id for x in services.applications_of(kid.id)] == [b.id, a.id]


def test_application_input_is_checked(world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    for kw, field in (({"applied_on": date(2026, 11, 24)}, "applied_on"),
                      ({"scheme": "city"}, "scheme"),  # 阿拉尔 has no city allowance
                      ({"scheme": "other"}, "scheme"),
                      ({"city": "火星"}, "city"),
                      ({"reference": "x" * 61}, "reference")):
        with pytest.raises(ValidationFailed) as err:
            apply(world, kid, **kw)
        assert field in err.value.errors, kw
    with pytest.raises(NotFound):
        services.record_application(kid.id, world["other"], scheme="national",
                                    applied_on=date(2026, 11, 2))
    assert count() == 0 and events("allowance.application_recorded") == []


def test_without_a_city_the_application_asks_for_one(world):
    kid = child(world["parent"], date(2024, 3, 15))
    with pytest.raises(ValidationFailed) as err:
        apply(world, kid)
    assert "city" in err.value.errors
    assert apply(world, kid, city="阿拉尔").city == "阿拉尔"


def test_the_status_only_moves_forward(world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    a = apply(world, kid)
    for status in ("paid", "applied"):
        with pytest.raises(Conflict):
            services.update_status(a.id, world["parent"], status=status,
                                   status_on=date(2026, 11, 20))
    services.update_status(a.id, world["parent"], status="approved", status_on=date(2026, 11, 10))
    for status in ("approved", "rejected", "applied"):
        with pytest.raises(Conflict):
            services.update_status(a.id, world["parent"], status=status,
                                   status_on=date(2026, 11, 20))
    services.update_status(a.id, world["parent"], status="paid", status_on=date(2026, 11, 20),
                           amount_fen=360000)
    db.session.expire_all()
    a = db.session.get(AllowanceApplication, a.id)
    assert (a.status, a.status_on, a.amount_fen) == ("paid", date(2026, 11, 20), 360000)
    with pytest.raises(Conflict):
        services.update_status(a.id, world["parent"], status="rejected",
                               status_on=date(2026, 11, 21))
    trail = events("allowance.status_updated")
    assert len(trail) == 2 and '"paid"' in trail[1].after and '"approved"' in trail[1].before


def test_status_dates_and_amounts_are_checked_and_strangers_get_404(world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    a = apply(world, kid)
    for kw, field in (({"status_on": date(2026, 11, 24)}, "status_on"),   # future
                      ({"status_on": date(2026, 11, 1)}, "status_on"),    # before applied
                      ({"amount_fen": -1}, "amount_fen")):
        kw = {"status": "approved", "status_on": date(2026, 11, 10), **kw}
        with pytest.raises(ValidationFailed) as err:
            services.update_status(a.id, world["parent"], **kw)
        assert field in err.value.errors
    with pytest.raises(NotFound):
        services.update_status(a.id, world["other"], status="approved",
                               status_on=date(2026, 11, 10))
    with pytest.raises(NotFound):
        services.update_status(99999, world["parent"], status="approved",
                               status_on=date(2026, 11, 10))
    db.session.expire_all()
    assert db.session.get(AllowanceApplication, a.id).status == "applied"
    assert events("allowance.status_updated") == []
