"""A child's pickup list (接送授权名单): the guardians keep it; the child's guardians and the
staff of its centre read it (docs/absences.md, Authorised pickup). The guardians themselves
are always authorised and are listed first, without a row here."""
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..absences import queries as absences
from ..audit.services import record
from ..auth.models import User
from ..children import services as children
from ..children.models import Guardianship
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..places.locking import lock_children
from ..transactions import command
from . import photos
from .models import PickupPerson

MAX_PEOPLE = 10
PHONE = re.compile(r"\+?[0-9][0-9 \-]{5,18}[0-9]")
ID_LAST4 = re.compile(r"[0-9]{3}[0-9X]")
FIELDS = ("name", "relation", "phone", "id_last4")


@dataclass
class Guardian:
    user_id: int
    name: str
    relation: str  # mother / father / guardian (Guardianship.relation)
    phone: str | None


def guardians(child_id: int) -> list[Guardian]:
    rows = db.session.execute(select(Guardianship.relation, User).join(
        User, User.id == Guardianship.user_id).where(Guardianship.child_id == child_id)
        .order_by(Guardianship.position)).all()
    return [Guardian(u.id, u.name, relation, u.phone) for relation, u in rows]


def people(child_id: int) -> list[PickupPerson]:
    """The child's list (people removed from it left out), in the order they were added."""
    return db.session.scalars(select(PickupPerson).where(
        PickupPerson.child_id == child_id, PickupPerson.removed_at.is_(None))
        .order_by(PickupPerson.id)).all()


def readable_child(child_id: int, user) -> None:
    """The child's guardians and the staff of its centre read its list; others get 404."""
    if not absences.may_read(user, child_id, "pickup.read"):
        raise NotFound()


def list_for(child_id: int, user) -> tuple[list[Guardian], list[PickupPerson]]:
    readable_child(child_id, user)
    return guardians(child_id), people(child_id)


def person_for(child_id: int, person_id: int, user) -> PickupPerson:
    """One person of the child's list (removed ones too), for whoever may read the list."""
    readable_child(child_id, user)
    person = db.session.get(PickupPerson, person_id)
    if person is None or person.child_id != child_id:
        raise NotFound()
    return person


def _clean(values: dict, errors: dict) -> dict:
    out = {}
    for key, value in values.items():
        text = (value or "").strip() if isinstance(value, str) or value is None else value
        if key == "id_last4" and isinstance(text, str):
            text = text.upper()
        out[key] = text
    if "name" in out and not 1 <= len(out["name"] or "") <= 80:
        errors["name"] = [_("请填写姓名（最多 80 个字）")]
    if "relation" in out and not 1 <= len(out["relation"] or "") <= 20:
        errors["relation"] = [_("请填写与孩子的关系（最多 20 个字）")]
    if "phone" in out and not PHONE.fullmatch(out["phone"] or ""):
        errors["phone"] = [_("请填写有效的电话号码")]
    if "id_last4" in out and not ID_LAST4.fullmatch(out["id_last4"] or ""):
        errors["id_last4"] = [_("请填写身份证号后四位（数字，最后一位可以是 X）")]
    return out


def _guardian_of(child_id: int, guardian) -> None:
    if guardian.role != "parent":
        raise NotFound()
    children.child_for_guardian(guardian, child_id)


def _centre_of(child_id: int) -> int | None:
    centres = sorted(absences.care_centres(child_id))
    return centres[0] if centres else None


@command
def add_person(child_id: int, guardian, *, name: str, relation: str, phone: str, id_last4: str,
               photo: tuple | None = None, now=None) -> PickupPerson:
    """Add someone the guardians allow to collect the child. `photo`: a stored file from
    `photos.store` (name, type, size), or None.

    :raises NotFound: not their child. :raises ValidationFailed: a field missing or wrong.
    :raises Conflict: the list already has MAX_PEOPLE people.
    """
    now = now or clock_now()
    _guardian_of(child_id, guardian)
    errors: dict = {}
    values = _clean({"name": name, "relation": relation, "phone": phone,
                     "id_last4": id_last4}, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    lock_children([child_id])  # two guardians adding at once still keep to MAX_PEOPLE
    if len(people(child_id)) >= MAX_PEOPLE:
        raise Conflict(_("接送名单最多 %(n)s 人，请先移除不再需要的人", n=MAX_PEOPLE))
    person = PickupPerson(child_id=child_id, added_by=guardian.id, added_at=now, **values)
    if photo:
        person.photo_path, person.photo_type, person.photo_size = photo
    db.session.add(person)
    db.session.flush()
    # Names and relation only: phones and ID fragments stay out of the audit log.
    record("pickup.person_added", person, actor=guardian, centre_id=_centre_of(child_id), at=now,
           after={"child_id": child_id, "name": person.name, "relation": person.relation,
                  "photo": bool(photo)})
    db.session.commit()
    return person


def _live_person(child_id: int, person_id: int, guardian) -> PickupPerson:
    _guardian_of(child_id, guardian)
    person = db.session.get(PickupPerson, person_id)
    if person is None or person.child_id != child_id or person.removed_at is not None:
        raise NotFound()
    return person


@command
def change_person(child_id: int, person_id: int, guardian, *, photo: tuple | None = None,
                  drop_photo: bool = False, now=None, **changes) -> PickupPerson:
    """Change a person's details (any of name, relation, phone, id_last4), replace the photo
    (`photo`) or drop it. The old photo's file is deleted once the change is committed.

    :raises NotFound: not their child's list. :raises ValidationFailed: a field wrong.
    """
    now = now or clock_now()
    person = _live_person(child_id, person_id, guardian)
    errors: dict = {}
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    values = _clean({k: v for k, v in changes.items() if v is not None}, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    before = {k: getattr(person, k) for k in ("name", "relation")}
    changed = sorted(k for k, v in values.items() if getattr(person, k) != v)
    for key, value in values.items():
        setattr(person, key, value)
    old_photo = person.photo_path if (photo or drop_photo) else None
    if photo:
        person.photo_path, person.photo_type, person.photo_size = photo
        changed.append("photo")
    elif drop_photo and person.photo_path:
        person.photo_path = person.photo_type = person.photo_size = None
        changed.append("photo")
    record("pickup.person_changed", person, actor=guardian, centre_id=_centre_of(child_id), at=now,
           before=before, after={"name": person.name, "relation": person.relation,
                                 "changed": changed})
    db.session.commit()
    photos.discard(old_photo)
    return person


@command
def remove_person(child_id: int, person_id: int, guardian, now=None) -> PickupPerson:
    """Take a person off the list. The row stays (past departures name it); the photo is
    deleted.

    :raises NotFound: not their child's list, or already removed.
    """
    now = now or clock_now()
    person = _live_person(child_id, person_id, guardian)
    old_photo = person.photo_path
    person.removed_at, person.removed_by = now, guardian.id
    person.photo_path = person.photo_type = person.photo_size = None
    record("pickup.person_removed", person, actor=guardian, centre_id=_centre_of(child_id), at=now,
           before={"name": person.name, "relation": person.relation})
    db.session.commit()
    photos.discard(old_photo)
    return person
