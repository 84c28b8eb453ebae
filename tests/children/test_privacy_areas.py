"""PIPL: a family's export holds what every area keeps about its children, and deleting the
account erases what the areas must not keep (docs/privacy.md): day photos, the pickup list's
details and photos, the files the parent sent, open round applications."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select
from werkzeug.datastructures import FileStorage

from booking.absences import services as absences
from booking.audit.models import AuditEvent
from booking.children import privacy
from booking.children.holders import all_holders
from booking.daily import photos as day_photos
from booking.daily import services as daily
from booking.daily.models import DailyEntry
from booking.errors import Conflict
from booking.extensions import db as _db
from booking.growth import notes
from booking.growth import services as growth
from booking.health import attachments, attendance
from booking.messages import services as messages
from booking.messages.models import MessageAttachment
from booking.pickup import photos as pickup_photos
from booking.pickup import services as pickup
from booking.pickup.models import PickupPerson
from booking.reservations.models import Reservation
from tests import factories as f
from tests.daily.conftest import PNG, enrol
from tests.conftest import NOW

# The tables children/privacy.py answers for itself; every other table that points at a child
# must belong to a holder (children/holders.py), or it would be missing from the export.
OWN = {"child", "guardianship", "reservation", "waitlist_entry", "health_check",
       "session_booking", "ledger_entry"}


def png(name="a.png"):
    return FileStorage(io.BytesIO(PNG), filename=name)


def test_every_table_that_points_at_a_child_is_answered_for(app):
    answered = OWN | {t for h in all_holders() for t in h.tables}
    pointing = {t.name for t in _db.metadata.tables.values()
                if any(fk.column.table.name == "child" for c in t.columns for fk in c.foreign_keys)}
    assert pointing - answered == set()
    # and each holder's tables exist (a renamed table would leave a gap unseen)
    assert answered - set(_db.metadata.tables) == set()


@pytest.fixture
def family(app, db):
    f.policy(city="西安")
    c = f.centre()
    g = f.group(c, name="小一班")
    s = f.slot(c, capacity=8, group_id=g.id, starts_on=NOW.date())
    carer = f.user("staff", centre_id=c.id, staff_role="carer")
    health = f.user("staff", centre_id=c.id, staff_role="health")
    parent = f.user()
    kid = f.child(parent, name="安安")
    r = enrol(s, parent, kid)
    attendance.record_arrival(r.id, carer, temperature_c=36.6)
    daily.log(carer, [kid.id], action="meal", meal="lunch", amount="all", at=NOW)
    photo = daily.add_photo(carer, kid.id, day_photos.store(png()), caption="搭积木")
    absences.report(kid.id, parent, starts_on=NOW.date() + timedelta(days=1), reason="family")
    grandma = pickup.add_person(kid.id, parent, name="王秀英", relation="外婆",
                                phone="13800001111", id_last4="5678",
                                photo=pickup_photos.store(png()))
    thread = messages.open_thread(parent, kid.id, c.id)
    messages.post_message(thread.id, parent, "孩子昨晚咳嗽",
                          attachments=[attachments.store(png("cough.png"))])
    notes.add(kid.id, parent, kind="allergy", title="花生", severity="severe")
    growth.record_measurement(kid.id, health, measured_on=NOW.date(), height_cm=88.0,
                              weight_kg=12.5, measured_by="centre")
    return {"parent": parent, "kid": kid, "r": r, "photo": photo, "grandma": grandma,
            "carer": carer}


def test_the_export_holds_every_area(family):
    data = privacy.export_family(family["parent"])
    assert [e["kind"] for e in data["daily_record"]].count("photo") <= 1
    assert any(e.get("meal") == "lunch" and e["amount"] == "all" for e in data["daily_record"])
    assert any(e["has_photo"] for e in data["daily_record"])
    assert [a["reason"] for a in data["absences"]] == ["family"]
    assert [(p["name"], p["phone"], p["id_last4"]) for p in data["pickup_people"]] == [
        ("王秀英", "13800001111", "5678")]
    [thread] = data["messages"]
    assert thread["messages"][0]["body"] == "孩子昨晚咳嗽" and thread["messages"][0]["mine"]
    assert [n["title"] for n in data["health_notes"]] == ["花生"]
    assert [m["height_cm"] for m in data["growth"]] == [88.0]
    for key in ("pickups", "bulletins", "round_applications", "outbreak_alerts", "closure_cases"):
        assert data[key] == []


def test_deleting_the_account_erases_what_the_areas_must_not_keep(family, db):
    day_file = day_photos.path_of(family["photo"].photo_path)
    grandma_file = pickup_photos.path_of(family["grandma"].photo_path)
    [sent] = db.session.scalars(select(MessageAttachment)).all()
    sent_file = attachments.path_of(sent.stored_name)
    assert day_file.is_file() and grandma_file.is_file() and sent_file.is_file()
    with pytest.raises(Conflict):  # still enrolled
        privacy.delete_account(family["parent"], f.PASSWORD)
    assert day_file.is_file()  # refused: nothing erased
    r = db.session.get(Reservation, family["r"].id)
    r.status, r.ended_at = "withdrawn", NOW  # left care
    db.session.commit()
    privacy.delete_account(family["parent"], f.PASSWORD)
    assert not day_file.is_file() and not grandma_file.is_file() and not sent_file.is_file()
    db.session.expire_all()
    grandma = db.session.get(PickupPerson, family["grandma"].id)
    assert (grandma.name, grandma.phone, grandma.id_last4, grandma.photo_path) == (
        "外婆", "", "****", None)
    assert grandma.removed_at is not None
    assert db.session.scalars(select(DailyEntry.photo_path).where(
        DailyEntry.photo_path.is_not(None))).all() == []
    assert db.session.scalars(select(MessageAttachment)).all() == []
    # the care records stay, of an anonymised child
    assert db.session.scalars(select(DailyEntry).where(DailyEntry.meal == "lunch")).all()
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "account.deleted")).all()
    assert '"pickup_people_erased": 1' in event.after and '"day_photos_erased": 1' in event.after
    assert '"message_files_erased": 1' in event.after


def test_another_guardians_child_keeps_its_pickup_list(family, db):
    father = f.user(name="安安爸爸")
    from booking.children.models import Guardianship
    db.session.add(Guardianship(child_id=family["kid"].id, user_id=father.id,
                                relation="father", position=2))
    db.session.commit()
    privacy.delete_account(family["parent"], f.PASSWORD)  # the child stays with its father
    grandma = db.session.get(PickupPerson, family["grandma"].id)
    assert (grandma.name, grandma.phone, grandma.removed_at) == ("王秀英", "13800001111", None)
    assert inspect(grandma).persistent


def test_deleting_the_account_withdraws_an_open_round_application(app, db):
    from booking.allocation import applications, rounds
    from booking.allocation.models import Application
    from tests.allocation.test_services import family as round_family
    from tests.allocation.test_services import opened, world
    reg, slots = world((1, 2))
    rnd = opened(reg, slots)
    parent, kid = round_family()
    app_ = applications.apply(rnd.id, parent, child_id=kid.id, choices=[s.id for s in slots])
    assert [a["status"] for a in privacy.export_family(parent)["round_applications"]] == [
        "submitted"]
    privacy.delete_account(parent, f.PASSWORD)
    db.session.expire_all()
    assert db.session.get(Application, app_.id).status == "withdrawn"
    assert rounds.visible_round(rnd.id, reg).id == rnd.id


def test_a_closed_round_not_yet_drawn_holds_the_deletion_back(app, db):
    from booking.allocation import applications, rounds
    from tests.allocation.test_services import family as round_family
    from tests.allocation.test_services import opened, world
    reg, slots = world((1,))
    rnd = opened(reg, slots)
    parent, kid = round_family()
    applications.apply(rnd.id, parent, child_id=kid.id, choices=[slots[0].id])
    rounds.close_round(rnd.id, reg)
    with pytest.raises(Conflict, match="派位结果公布后"):
        privacy.delete_account(parent, f.PASSWORD)
    db.session.expire_all()
    assert db.session.get(type(parent), parent.id).deleted_at is None  # nothing changed


def test_the_api_exports_and_deletes(client, family, db):
    headers = f.bearer(client, family["parent"])
    resp = client.get("/api/v1/me/export", headers=headers)
    assert resp.status_code == 200
    assert resp.json["pickup_people"][0]["name"] == "王秀英"
    assert resp.json["account"]["id"] == family["parent"].id
    staff = f.bearer(client, family["carer"])
    assert client.get("/api/v1/me/export", headers=staff).status_code == 403
    wrong = client.post("/api/v1/me/delete", json={"password": "not-it"}, headers=headers)
    assert wrong.status_code == 422 and wrong.content_type == "application/problem+json"
    assert "password" in wrong.json["errors"]
    live = client.post("/api/v1/me/delete", json={"password": f.PASSWORD}, headers=headers)
    assert live.status_code == 409  # the child is enrolled
    assert client.post("/api/v1/me/delete", json={}, headers=headers).status_code == 422
    r = db.session.get(Reservation, family["r"].id)
    r.status, r.ended_at = "withdrawn", NOW
    db.session.commit()
    done = client.post("/api/v1/me/delete", json={"password": f.PASSWORD}, headers=headers)
    assert (done.status_code, done.json) == (200, {"deleted": True})
    assert client.get("/api/v1/me/export", headers=headers).status_code == 401  # token revoked
