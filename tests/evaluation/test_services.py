"""The services: the self-assessment (draft → submitted, one open draft), the item-level
inspection (its Inspection row, grade with veto), fix items and their follow-up, with every
refusal leaving nothing changed, the scope, and the audit rows."""
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from booking import clock
from booking.audit.models import AuditEvent
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.evaluation import fixes, queries, services
from booking.evaluation.checklist import BASIC
from booking.evaluation.models import Evaluation, FixItem
from booking.regulator import inspections
from booking.regulator.models import Inspection
from tests.evaluation.world import DAY, FULL, GOOD, world  # noqa: F401


def _actions(db, prefix="evaluation."):
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like(prefix + "%")).order_by(AuditEvent.id)))


def _count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def _inspect(w, items=GOOD, **kw):
    kw.setdefault("inspected_on", DAY)
    return services.record_inspection(w["centre"].id, w["regulator"], items=items, **kw)


def test_self_assessment_draft_then_submit(db, world):
    c, d = world["centre"], world["director"]
    ev = services.save_self(c.id, d, items={"cond_1": 18}, notes={"cond_1": "备案证明在墙上"})
    assert (ev.kind, ev.status, ev.score) == ("self", "draft", 18)
    again = services.save_self(c.id, d, items={"cond_1": 19, "cond_2": 20})
    assert again.id == ev.id and again.score == 39  # one open draft per centre
    assert _count(db, Evaluation) == 1
    with pytest.raises(ValidationFailed) as err:
        services.submit_self(ev.id, d)  # items missing, each named
    assert "care_1" in err.value.errors and db.session.get(Evaluation, ev.id).status == "draft"
    done = services.save_self(c.id, d, items=GOOD, submit=True)
    assert (done.id, done.status, done.score) == (ev.id, "submitted", 967)
    with pytest.raises(Conflict):
        services.submit_self(ev.id, d)
    assert services.latest_self(c.id).id == ev.id and services.open_draft(c.id) is None
    # a new draft starts after a submission
    assert services.save_self(c.id, d, items={"cond_1": 1}).id != ev.id
    assert _actions(db) == ["evaluation.self_saved", "evaluation.self_saved",
                            "evaluation.self_saved", "evaluation.self_submitted",
                            "evaluation.self_saved"]


def test_self_assessment_refusals(db, world):
    c = world["centre"]
    with pytest.raises(NotFound):
        services.save_self(c.id, world["other_director"], items=GOOD)
    with pytest.raises(ValidationFailed) as err:
        services.save_self(c.id, world["director"], items=dict(GOOD, cond_1=21, staff_1=-1))
    assert set(err.value.errors) == {"cond_1", "staff_1"}
    with pytest.raises(ValidationFailed) as err:
        services.save_self(c.id, world["director"], items={"cond_1": 1}, submit=True)
    assert "care_1" in err.value.errors
    assert _count(db, Evaluation) == 0 and _actions(db) == []
    ev = services.save_self(c.id, world["director"], items={"cond_1": 1})
    with pytest.raises(NotFound):
        services.submit_self(ev.id, world["other_director"])


def test_inspection_records_the_grade_and_sees_the_self_score(db, world):
    c = world["centre"]
    services.save_self(c.id, world["director"], items=FULL, submit=True)
    ev = _inspect(world, findings="午睡室通风不足")
    insp = ev.inspection
    assert (insp.score, insp.grade, insp.inspected_on) == (967, "A", DAY)
    assert ev.kind == "inspection" and ev.status == "recorded" and len(ev.items) == 33
    assert services.item_map(services.latest_self(c.id))["cond_1"].points == 20
    vetoed = _inspect(world, items=FULL, failed=[BASIC[0]])
    assert vetoed.inspection.grade == "D" and vetoed.basic_failed
    assert vetoed.items[0].failed
    assert [h["grade"] for h in queries.grade_history(c.id)] == ["A", "D"]
    assert _actions(db, "inspection.") == ["inspection.recorded", "inspection.recorded"]
    assert _actions(db).count("evaluation.inspected") == 2


def test_inspection_refusals(db, world):
    c = world["centre"]
    with pytest.raises(NotFound):
        services.record_inspection(c.id, world["far_regulator"], inspected_on=DAY, items=GOOD)
    with pytest.raises(ValidationFailed) as err:
        _inspect(world, inspected_on=date(2026, 11, 24))
    assert "inspected_on" in err.value.errors
    missing = dict(GOOD)
    del missing["safety_1"]
    with pytest.raises(ValidationFailed) as err:
        _inspect(world, items=dict(missing, health_1=41))
    assert set(err.value.errors) == {"safety_1", "health_1"}
    assert "视频监控" in err.value.errors["safety_1"][0]
    with pytest.raises(ValidationFailed) as err:
        _inspect(world, fixes=[{"code": "cond_3", "what": "补充活动场地",
                                "due_on": DAY - timedelta(days=1)}])
    assert "整改期限不能早于检查日期" in err.value.errors["fix_items"][0]
    with pytest.raises(ValidationFailed) as err:
        _inspect(world, fixes=[{"code": "nope", "what": "", "due_on": None}])
    assert len(err.value.errors["fix_items"]) == 3
    assert _count(db, Inspection) == 0 and _count(db, Evaluation) == 0
    assert _actions(db) == [] and _actions(db, "inspection.") == []


def test_fix_items_deadline_report_verify_and_the_inspection_follow_up(db, world):
    reg, director = world["regulator"], world["director"]
    ev = _inspect(world, fixes=[{"code": "cond_3", "what": "补充户外活动场地",
                                 "due_on": date(2026, 12, 10)}])
    [fx] = ev.fixes
    assert ev.inspection.fix_deadline == date(2026, 12, 10)
    second = fixes.add_fix(ev.id, reg, code="safety_4", what="插座加装保护盖",
                           due_on=date(2026, 12, 1))
    assert db.session.get(Inspection, ev.inspection_id).fix_deadline == date(2026, 12, 1)
    with pytest.raises(ValidationFailed):
        fixes.add_fix(ev.id, reg, code="safety_4", what="x", due_on=DAY - timedelta(days=1))
    with pytest.raises(NotFound):
        fixes.add_fix(ev.id, world["far_regulator"], code="safety_4", what="x",
                      due_on=date(2026, 12, 1))
    # verify before any report: 409
    with pytest.raises(Conflict):
        fixes.verify_fix(fx.id, reg)
    with pytest.raises(NotFound):
        fixes.report_fix(fx.id, world["other_director"])
    with pytest.raises(ValidationFailed):
        fixes.report_fix(fx.id, director, fixed_on=date(2026, 11, 30))  # in the future
    with pytest.raises(ValidationFailed):
        fixes.report_fix(fx.id, director, fixed_on=DAY - timedelta(days=1))  # before inspection
    fixes.report_fix(fx.id, director, note="已扩建")
    with pytest.raises(Conflict):
        fixes.report_fix(fx.id, director)
    with pytest.raises(ValidationFailed):
        fixes.return_fix(fx.id, reg, reason="  ")
    with pytest.raises(ValidationFailed):
        fixes.return_fix(fx.id, reg, reason="未完成", due_on=date(2026, 11, 22))
    back = fixes.return_fix(fx.id, reg, reason="场地仍未达标", due_on=date(2026, 12, 20))
    assert (back.status, back.due_on, back.fixed_on) == ("open", date(2026, 12, 20), None)
    fixes.report_fix(fx.id, director)
    with pytest.raises(NotFound):
        fixes.verify_fix(fx.id, world["far_regulator"])
    with pytest.raises(ValidationFailed):
        fixes.verify_fix(fx.id, reg, on_date=date(2026, 11, 24))
    fixes.verify_fix(fx.id, reg)
    insp = db.session.get(Inspection, ev.inspection_id)
    assert insp.followed_up_on is None and insp.fix_deadline == date(2026, 12, 1)
    fixes.report_fix(second.id, director)
    fixes.verify_fix(second.id, reg)
    insp = db.session.get(Inspection, ev.inspection_id)
    assert insp.followed_up_on == date(2026, 11, 23)
    assert _actions(db)[-7:] == ["evaluation.fix_set", "evaluation.fix_reported",
                                 "evaluation.fix_returned", "evaluation.fix_reported",
                                 "evaluation.fix_verified", "evaluation.fix_reported",
                                 "evaluation.fix_verified"]


def test_overdue_listing_as_the_clock_moves(db, world):
    reg = world["regulator"]
    ev = _inspect(world, fixes=[{"code": "cond_3", "what": "补充场地",
                                 "due_on": date(2026, 11, 27)},
                                {"code": "care_3", "what": "调整食谱",
                                 "due_on": date(2027, 1, 15)}])
    soon, later = ev.fixes
    assert fixes.state(soon) == "due_soon" and fixes.state(later) == "open"
    assert fixes.due_for(reg, overdue_only=True) == []
    assert [x.id for x in fixes.due_for(reg)] == [soon.id, later.id]
    assert fixes.due_for(world["far_regulator"]) == []
    clock.set(datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc))
    assert [x.id for x in fixes.due_for(reg, overdue_only=True)] == [soon.id]
    assert fixes.due_counts(reg) == {"open": 2, "due_soon": 0, "overdue": 1, "reported": 0}
    # the existing dashboard list agrees (the inspection's fix deadline is the earliest)
    assert [i.id for i in inspections.overdue(reg)] == [ev.inspection_id]
    fixes.report_fix(soon.id, world["director"])
    assert fixes.due_for(reg, overdue_only=True) == []
    assert fixes.due_counts(reg)["reported"] == 1
    fixes.verify_fix(soon.id, reg)
    assert [x.id for x in fixes.due_for(reg)] == [later.id]
    assert db.session.get(FixItem, soon.id).verified_on == date(2026, 11, 28)


def test_readable_scope(db, world):
    ev = _inspect(world)
    assert services.readable(ev.id, world["director"]).id == ev.id
    assert services.readable(ev.id, world["regulator"]).id == ev.id
    for outsider in ("other_director", "far_regulator", "parent"):
        with pytest.raises(NotFound):
            services.readable(ev.id, world[outsider])


def test_the_centre_hears_of_a_fix_set_and_sent_back_the_district_of_one_reported(db, world):
    from booking.audit.models import Notification

    def notes(user):
        return [(n.kind, json.loads(n.params)["event"]) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.id))]

    ev = services.record_inspection(world["centre"].id, world["regulator"], inspected_on=DAY,
                                    items=GOOD, fixes=[{"code": "safety_1", "what": "补装监控",
                                                        "due_on": date(2026, 11, 30)}])
    fx = ev.fixes[0]
    assert notes(world["director"]) == [("fix_item_update", "set")]
    assert notes(world["regulator"]) == [] and notes(world["carer"]) == []
    fixes.report_fix(fx.id, world["director"], note="已安装")
    assert notes(world["regulator"]) == [("fix_item_update", "reported")]
    assert notes(world["far_regulator"]) == []  # another district's
    fixes.return_fix(fx.id, world["regulator"], reason="仍有盲区")
    assert notes(world["director"]) == [("fix_item_update", "set"), ("fix_item_update", "returned")]
    assert notes(world["other_director"]) == []
