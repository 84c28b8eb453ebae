"""The rules against the illness signals: crossed, not crossed, per city, idempotent, the
notices (names to the centre, counts to the district's regulator), and the job."""
import json
from datetime import timedelta

from sqlalchemy import func, select

from booking import clock
from booking.absences import followup
from booking.absences import services as absences
from booking.audit.models import Notification
from booking.audit.render import render_notification
from booking.extensions import db
from booking.health import attendance
from booking.outbreaks import detection
from booking.outbreaks.models import OutbreakAlert, OutbreakAlertChild, OutbreakRule
from tests import factories as f
from tests.outbreaks.world import MONDAY, TUESDAY, WEDNESDAY, fever, world  # noqa: F401


def alerts():
    return db.session.scalars(select(OutbreakAlert).order_by(OutbreakAlert.id)).all()


def notes_of(user):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "outbreak_alert")).all()


def test_the_migration_seeds_the_national_defaults(world):
    rules = {(r.symptom, r.scope, r.min_children, r.window_days)
             for r in db.session.scalars(select(OutbreakRule).where(OutbreakRule.city.is_(None)))}
    assert ("fever", "class", 3, 1) in rules
    assert ("fever", "centre", 5, 3) in rules
    assert ("rash", "class", 2, 7) in rules


def test_two_in_a_class_is_no_outbreak(world):
    fever(world, 0)
    fever(world, 1)
    assert detection.check(world["centre"].id, MONDAY) == []
    assert alerts() == []


def test_three_in_a_class_in_a_day_open_an_alert(world):
    for i in range(3):
        fever(world, i)
    [opened] = detection.check(world["centre"].id, MONDAY)
    assert (opened.group_id, opened.symptom, opened.rule.scope) == (world["g1"].id, "fever", "class")
    kids = db.session.scalars(select(OutbreakAlertChild.child_id).where(
        OutbreakAlertChild.alert_id == opened.id)).all()
    assert sorted(kids) == sorted(k.id for k in world["kids"][:3])
    # the centre's director and health worker hear with the names; the carer does not
    for who in ("director", "health"):
        [note] = notes_of(world[who])
        title, body = render_notification(note)
        assert "测名0" in body and "小一班" in title and "3" in title
    assert notes_of(world["carer"]) == []
    # the district's regulator hears the counts only; another district's hears nothing
    [reg] = notes_of(world["regulator"])
    title, body = render_notification(reg)
    assert "测名" not in title + body + reg.params and "3" in title
    assert notes_of(world["far_regulator"]) == []
    assert notes_of(world["other_director"]) == []


def test_checking_again_opens_nothing_new(world):
    for i in range(3):
        fever(world, i)
    assert len(detection.check(world["centre"].id, MONDAY)) == 1
    assert detection.check(world["centre"].id, MONDAY) == []
    assert len(alerts()) == 1
    assert len(notes_of(world["director"])) == 1


def test_three_in_two_classes_is_no_class_outbreak(world):
    fever(world, 0)
    fever(world, 1)
    fever(world, 4)
    assert detection.check(world["centre"].id, MONDAY) == []


def test_similar_symptoms_only(world):
    fever(world, 0)
    fever(world, 1)
    fever(world, 2, t=36.8, obs="呕吐")  # a failed check for vomiting, not a fever
    db.session.commit()
    assert detection.check(world["centre"].id, MONDAY) == []


def test_five_in_the_centre_over_three_days(world):
    kids, parents = world["kids"], world["parents"]
    plan = [(0, MONDAY), (1, MONDAY), (4, TUESDAY), (5, TUESDAY), (2, WEDNESDAY)]
    for i, day in plan:
        absences.report(kids[i].id, parents[i], starts_on=day, reason="illness",
                        symptoms=["diarrhoea"])
    c = world["centre"].id
    assert detection.check(c, TUESDAY) == []
    [opened] = detection.check(c, WEDNESDAY)
    assert (opened.group_id, opened.symptom, opened.rule.scope) == (None, "diarrhoea", "centre")
    assert (opened.window_starts_on, opened.window_ends_on) == (MONDAY, WEDNESDAY)
    assert db.session.scalar(select(func.count()).select_from(OutbreakAlertChild)) == 5
    # Thursday: two more; Tuesday to Thursday crosses again, in the same cluster (the
    # windows overlap), so they join the alert instead of opening a second one
    for i in (3, 6):
        absences.report(kids[i].id, parents[i], starts_on=WEDNESDAY + timedelta(days=1),
                        reason="illness", symptoms=["diarrhoea"])
    assert detection.check(c, WEDNESDAY + timedelta(days=1)) == []
    [alert] = alerts()
    assert alert.window_ends_on == WEDNESDAY + timedelta(days=1)
    assert db.session.scalar(select(func.count()).select_from(OutbreakAlertChild)) == 7
    assert len(notes_of(world["director"])) == 1


def test_the_third_illness_report_raises_the_alert_at_once(world):
    kids, parents = world["kids"], world["parents"]
    for i in range(3):
        absences.report(kids[i].id, parents[i], starts_on=MONDAY, reason="illness",
                        symptoms=["fever", "cough"])
    [alert] = alerts()
    assert (alert.symptom, alert.group_id) == ("fever", world["g1"].id)
    assert len(notes_of(world["health"])) == 1


def test_a_failed_morning_check_raises_the_alert_at_once(world, monkeypatch):
    monkeypatch.setattr(attendance, "check_outbreaks", detection.check_flush)  # the real hook
    fever(world, 0)
    fever(world, 1)
    assert alerts() == []
    fever(world, 2)
    [alert] = alerts()
    assert (alert.symptom, alert.group_id) == ("fever", world["g1"].id)
    assert len(notes_of(world["director"])) == 1
    assert detection.check(world["centre"].id, MONDAY) == []  # the job finds it done


def test_a_follow_up_call_that_finds_illness_raises_the_alert_at_once(world):
    fever(world, 0)
    fever(world, 1)
    assert alerts() == []
    followup.record_follow_up(world["rs"][2].id, world["carer"], reached=True,
                              reason="illness", symptoms=["fever"])
    [alert] = alerts()
    assert (alert.symptom, alert.group_id) == ("fever", world["g1"].id)


def test_a_city_keeps_its_own_rules(world):
    db.session.add(OutbreakRule(city=world["district"].city, symptom="fever", scope="class",
                                min_children=2, window_days=1))
    db.session.commit()
    fever(world, 0)
    fever(world, 1)
    [opened] = detection.check(world["centre"].id, MONDAY)
    assert opened.rule.city == world["district"].city
    # the national fever rules no longer apply there; other symptoms keep them
    assert {r.symptom for r in detection.rules_for(world["district"].city)
            if r.city is None} == {"diarrhoea", "vomiting", "rash", "jaundice"}


def test_rash_two_in_a_class_within_a_week(world):
    fever(world, 0, t=36.9, obs="手足口样皮疹")
    db.session.commit()
    clock.set(clock.now() + timedelta(days=2))
    fever(world, 1, t=36.9, obs="手心有疹子")
    opened = detection.check(world["centre"].id, WEDNESDAY)
    assert [(a.symptom, a.rule.min_children, a.rule.window_days) for a in opened] == [
        ("rash", 2, 7)]


def test_the_job_checks_every_centre_with_illness(world):
    for i in range(3):
        fever(world, i)
    assert detection.centres_with_illness(MONDAY) == [world["centre"].id]
    assert detection.check_outbreaks() == 1
    assert detection.check_outbreaks() == 0
    assert len(alerts()) == 1


def test_notice_params_for_the_regulator_hold_no_names(world):
    for i in range(3):
        fever(world, i)
    detection.check(world["centre"].id, MONDAY)
    [reg] = notes_of(world["regulator"])
    assert "children" not in json.loads(reg.params)


def test_the_citys_regulators_hear_the_counts_too(world):
    city_reg = f.user("regulator", city="西安")
    other_city = f.user("regulator", city="大连")
    national = f.user("regulator")
    for i in range(3):
        fever(world, i)
    detection.check(world["centre"].id, MONDAY)
    [note] = notes_of(city_reg)
    assert "children" not in json.loads(note.params)
    assert notes_of(other_city) == [] and notes_of(national) == []


def test_the_command_runs_the_check_once(world, app):
    for i in range(3):
        fever(world, i)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["check-outbreaks"]).output.strip() == "opened 1 outbreak alerts"
    assert runner.invoke(args=["check-outbreaks"]).output.strip() == "opened 0 outbreak alerts"
