"""The pickup list and departures: guardians keep the list; the staff choose who collected
from it; anyone else is an exception with a reason, and every guardian is told at once."""
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from booking.audit.models import AuditEvent, Notification
from booking.audit.render import render_notification
from booking.errors import Conflict, NotFound, ValidationFailed
from booking.health import attendance
from booking.health.models import Attendance
from booking.pickup import departures, photos, services
from booking.pickup.models import PickupRecord
from tests.absences.world import PDF, PNG, world  # noqa: F401 (the fixture)


def add(w, kid="kid", parent="parent", **kw):
    kw.setdefault("name", "外婆")
    kw.setdefault("relation", "外婆")
    kw.setdefault("phone", "13800001111")
    kw.setdefault("id_last4", "123x")
    return services.add_person(w[kid].id, w[parent], **kw)


def arrived(w, r="r"):
    return attendance.record_arrival(w[r].id, w["director"], temperature_c=36.6)


def test_the_list_is_the_guardians_then_the_people(world):
    grandma = add(world)
    assert grandma.id_last4 == "123X"
    guardians, people = services.list_for(world["kid"].id, world["parent"])
    assert [g.name for g in guardians][1] == "小明爸爸" and [p.name for p in people] == ["外婆"]
    keys = [c.key for c in departures.choices(world["kid"].id)]
    assert keys == [f"g{world['parent'].id}", f"g{world['father'].id}", f"p{grandma.id}"]
    # the centre's care staff read it; another family, another centre, a regulator do not
    assert services.list_for(world["kid"].id, world["carer"])[1][0].id_last4 == "123X"
    for stranger in ("other_parent", "other_staff", "regulator"):
        with pytest.raises(NotFound):
            services.list_for(world["kid"].id, world[stranger])


@pytest.mark.parametrize("kw,field", [
    ({"name": "  "}, "name"), ({"relation": ""}, "relation"), ({"phone": "abc"}, "phone"),
    ({"id_last4": "12"}, "id_last4"), ({"id_last4": "X123"}, "id_last4"),
    ({"name": "名" * 81}, "name")])
def test_wrong_details_are_refused(world, kw, field):
    with pytest.raises(ValidationFailed) as err:
        add(world, **kw)
    assert field in err.value.errors
    assert services.people(world["kid"].id) == []


def test_only_the_guardians_change_the_list(world):
    with pytest.raises(NotFound):
        add(world, parent="other_parent")
    with pytest.raises(NotFound):
        add(world, parent="director")
    grandma = add(world)
    with pytest.raises(NotFound):
        services.change_person(world["kid"].id, grandma.id, world["other_parent"], name="x")
    with pytest.raises(NotFound):  # through another child's path
        services.remove_person(world["kid2"].id, grandma.id, world["other_parent"])


def test_at_most_ten_people(world):
    for i in range(services.MAX_PEOPLE):
        add(world, name=f"人{i}")
    with pytest.raises(Conflict):
        add(world, name="第十一人")


def _photo(data, name="me.png"):
    return photos.store(FileStorage(io.BytesIO(data), filename=name))


def test_photos_are_images_stored_outside_the_web_root_and_deleted_with_the_person(world, app):
    with pytest.raises(ValidationFailed) as err:
        _photo(PDF, "form.pdf")
    assert "photo" in err.value.errors
    assert not any(Path(app.config["TUOWEI_UPLOAD_DIR"]).glob("*.pdf"))
    stored = _photo(PNG)
    grandma = add(world, photo=stored)
    path = photos.path_of(grandma.photo_path)
    assert path.is_file() and grandma.photo_type == "image/png"
    replaced = _photo(PNG)
    services.change_person(world["kid"].id, grandma.id, world["parent"], photo=replaced,
                           phone="029-8888 1234")
    assert not path.is_file() and photos.path_of(grandma.photo_path).is_file()
    newer = photos.path_of(grandma.photo_path)
    services.remove_person(world["kid"].id, grandma.id, world["parent"])
    assert not newer.is_file() and grandma.photo_path is None and grandma.removed_at
    assert services.people(world["kid"].id) == []
    with pytest.raises(NotFound):
        services.remove_person(world["kid"].id, grandma.id, world["parent"])


def test_departure_by_a_person_on_the_list(world, db):
    grandma = add(world)
    arrived(world)
    day = attendance.record_departure(world["r"].id, world["carer"], person_id=grandma.id)
    assert day.collected_by == "外婆"
    row = db.session.scalar(select(PickupRecord))
    assert (row.person_id, row.guardian_id, row.unlisted_name) == (grandma.id, None, None)
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "unlisted_pickup")) == 0


def test_a_person_from_another_childs_list_is_refused(world, db):
    theirs = add(world, kid="kid2", parent="other_parent", name="别人家的外婆")
    arrived(world)
    with pytest.raises(ValidationFailed) as err:
        attendance.record_departure(world["r"].id, world["carer"], person_id=theirs.id)
    assert "collected_by" in err.value.errors
    with pytest.raises(ValidationFailed):  # nor the other child's guardian
        attendance.record_departure(world["r"].id, world["carer"],
                                    guardian_id=world["other_parent"].id)
    removed = add(world)
    services.remove_person(world["kid"].id, removed.id, world["parent"])
    with pytest.raises(ValidationFailed):  # nor someone taken off the list
        attendance.record_departure(world["r"].id, world["carer"], person_id=removed.id)
    day = db.session.scalar(select(Attendance))
    assert day.departed_at is None and db.session.scalar(select(PickupRecord.id)) is None


def test_an_exception_needs_a_name_and_a_reason(world, db):
    arrived(world)
    with pytest.raises(ValidationFailed) as err:
        attendance.record_departure(world["r"].id, world["carer"], unlisted_name="王阿姨")
    assert "reason" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        attendance.record_departure(world["r"].id, world["carer"], reason="家长出差")
    assert "unlisted_name" in err.value.errors
    with pytest.raises(ValidationFailed) as err:  # nobody chosen, or two at once
        attendance.record_departure(world["r"].id, world["carer"])
    assert "collected_by" in err.value.errors
    with pytest.raises(ValidationFailed):
        attendance.record_departure(world["r"].id, world["carer"],
                                    guardian_id=world["parent"].id, unlisted_name="王阿姨",
                                    reason="x")
    assert db.session.scalar(select(Attendance)).departed_at is None


def test_an_exception_tells_every_guardian_at_once_and_is_audited(world, db):
    arrived(world)
    day = attendance.record_departure(world["r"].id, world["carer"], unlisted_name="王阿姨",
                                      reason="妈妈电话委托，已核对身份证")
    assert day.collected_by == "王阿姨"
    notes = db.session.scalars(select(Notification).where(
        Notification.kind == "unlisted_pickup").order_by(Notification.user_id)).all()
    assert sorted(n.user_id for n in notes) == sorted([world["parent"].id, world["father"].id])
    title, body = render_notification(notes[0])
    assert "小明" in title and "王阿姨" in body and "妈妈电话委托" in body and "10:00" in body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pickup.unlisted"))
    assert event.reason == "妈妈电话委托，已核对身份证" and event.actor_id == world["carer"].id
    with pytest.raises(Conflict):
        attendance.record_departure(world["r"].id, world["carer"], guardian_id=world["parent"].id)


def test_who_came_after_a_failed_morning_check_is_recorded_once(world):
    attendance.record_arrival(world["r"].id, world["director"], temperature_c=38.4)
    day = attendance.record_departure(world["r"].id, world["carer"],
                                      guardian_id=world["father"].id)
    assert day.collected_by == "小明爸爸"
    with pytest.raises(Conflict):
        attendance.record_departure(world["r"].id, world["carer"], guardian_id=world["parent"].id)


def test_another_centres_staff_cannot_record_a_departure(world):
    arrived(world)
    with pytest.raises(NotFound):
        attendance.record_departure(world["r"].id, world["other_staff"],
                                    guardian_id=world["parent"].id)
