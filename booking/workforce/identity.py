"""Staff ID numbers (身份证号) and one operator per person (Guangdong blocks 挂靠).

The number is kept as children's are (children/privacy.py: Fernet, a masked copy) plus a
keyed HMAC-SHA256 lookup hash. A person may be on the active registers of several centres
of one operator only (rosters/persons.py: the person's row, locked, and the scope key every
active row carries, which the database checks). The clear number is never logged nor put
in an audit event.
"""
import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..centres.models import Centre, District
from ..children.privacy import ID_NUMBER, encrypt, mask
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..rosters import persons
from ..rosters.models import StaffMember
from ..transactions import command


class SecondCentre(Conflict):
    """挂靠: the person is on the active staff of another centre."""
    slug = "second-centre"


def lookup_hash(id_number: str) -> str:
    """HMAC-SHA256 of the number under a key derived (HKDF) from TUOWEI_FIELD_KEY or
    SECRET_KEY: equal numbers give equal hashes; the hash alone gives nothing back."""
    secret = current_app.config.get("TUOWEI_FIELD_KEY") or current_app.config["SECRET_KEY"]
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tuowei-field-lookup",
               info=b"staff.id_number").derive(secret.encode())
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()


def normalise(id_number: str | None) -> str:
    """:raises ValidationFailed: not 18 characters (17 digits and a digit or X)."""
    value = (id_number or "").strip().upper()
    if not ID_NUMBER.match(value):
        raise ValidationFailed(errors={"id_number": [_("身份证号应为 18 位（最后一位可为 X）")]})
    return value


def _refusal(digest: str, staff_id: int) -> SecondCentre:
    """The reason, naming the other centre's district only (its staff list is its own)."""
    district = db.session.scalar(
        select(District.name).join(Centre, Centre.district_id == District.id)
        .join(StaffMember, StaffMember.centre_id == Centre.id)
        .where(StaffMember.id_number_hash == digest, StaffMember.active.is_(True),
               StaffMember.id != staff_id))
    msg = _("此人已在%(district)s另一家机构在职，不能同时在两家机构任职（挂靠）；须先由原机构办理离职",
            district=district or _("其他区"))
    return SecondCentre(msg, errors={"id_number": [msg]}, extra={"reason": "挂靠"})


@command
def set_id_number(staff_id: int, id_number: str, *, actor=None) -> StaffMember:
    """Store a staff member's ID number (encrypted, masked, hashed).

    :raises NotFound: no such staff record.
    :raises ValidationFailed: a malformed number.
    :raises SecondCentre: the person is active at a centre of another operator (or at
        another centre run by none) (409, 挂靠); that membership must end (active false)
        first. Several centres of one operator may each hold the person.
    """
    staff = db.session.get(StaffMember, staff_id)
    if staff is None:
        raise NotFound()
    value = normalise(id_number)
    digest = lookup_hash(value)
    if staff.active:
        if any(o.centre_id == staff.centre_id for o in persons.others_active(digest, staff.id)):
            msg = _("此人已在本机构的在职名单上")
            raise Conflict(msg, errors={"id_number": [msg]})
        if not persons.claim(staff, digest):
            raise _refusal(digest, staff.id)
    before = {"id_number_masked": staff.id_number_masked}
    staff.id_number_encrypted, staff.id_number_masked = encrypt(value), mask(value)
    staff.id_number_hash = digest
    try:
        record("staff.id_number_set", staff, actor=actor, centre_id=staff.centre_id,
               before=before, after={"id_number_masked": staff.id_number_masked})
        db.session.commit()
    except IntegrityError:
        # The race the check above cannot see: another centre committed the same person first.
        db.session.rollback()
        raise _refusal(digest, staff_id) from None
    return staff


def reactivation_refusal(staff: StaffMember) -> Conflict | None:
    """Reactivating a staff record whose person is now active under another operator is
    挂靠 too; the same person twice on one centre's register is refused as well. Takes the
    person's lock and, when allowed, sets the row's scope key (the caller commits)."""
    if not staff.id_number_hash:
        return None
    if any(o.centre_id == staff.centre_id
           for o in persons.others_active(staff.id_number_hash, staff.id)):
        return Conflict(_("此人已在本机构的在职名单上"))
    if not persons.claim(staff, staff.id_number_hash):
        return _refusal(staff.id_number_hash, staff.id)
    return None
