"""Personal information (PIPL): encrypted ID numbers shown masked, a family's data export,
and deleting an account (records the law requires are kept, anonymised)."""
import base64
import json
import re

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..audit.models import AuditEvent, Notification
from ..audit.services import record
from ..auth.models import ApiToken
from ..auth.services import check_password
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..transactions import command
from ..fees.models import LedgerEntry
from ..health.models import Attendance, HealthCheck
from ..reservations.models import Reservation, live_at
from ..sessions.models import SessionBooking
from ..waitlists.models import WaitlistEntry
from . import services as children
from .holders import all_holders
from .models import Child, Guardianship

ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
ANON_USER_NAME = "已注销用户"
ANON_CHILD_NAME = "已注销儿童"


def _fernet() -> Fernet:
    """Fernet with a key derived (HKDF-SHA256) from TUOWEI_FIELD_KEY, else SECRET_KEY."""
    secret = current_app.config.get("TUOWEI_FIELD_KEY") or current_app.config["SECRET_KEY"]
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tuowei-field-encryption",
               info=b"child.id_number").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def mask(id_number: str) -> str:
    """`610113202501011234` → `6101**********1234`."""
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


@command
def set_id_number(child_id: int, actor, id_number: str) -> Child:
    """Store a child's 身份证号 encrypted, with a masked copy for display; never in clear.

    :raises NotFound: not their child. :raises ValidationFailed: not 17 digits + digit/X.
    """
    child = children.child_for_guardian(actor, child_id)
    value = (id_number or "").strip().upper()
    if not ID_NUMBER.match(value):
        raise ValidationFailed(errors={"id_number": [_("身份证号应为 18 位（最后一位可为 X）")]})
    child.id_number_encrypted, child.id_number_masked = encrypt(value), mask(value)
    record("child.id_number_set", child, actor=actor,
           after={"id_number_masked": child.id_number_masked})
    db.session.commit()
    return child


def _iso(value):
    return value.isoformat() if value is not None else None


def _child_ids(user) -> list[int]:
    return list(db.session.scalars(select(Guardianship.child_id).where(
        Guardianship.user_id == user.id)))


@command
def export_family(user, now=None) -> dict:
    """Everything the platform holds about a parent and their children (PIPL art. 45).
    ID numbers appear masked. The export is audited."""
    if user.role != "parent":
        raise Forbidden()
    now = now or clock_now()
    ids = _child_ids(user)
    kids = db.session.scalars(select(Child).where(Child.id.in_(ids)).order_by(Child.id)).all()
    reservations = db.session.scalars(select(Reservation).where(
        Reservation.child_id.in_(ids)).order_by(Reservation.id)).all()
    data = {
        "exported_at": _iso(now),
        "account": {"id": user.id, "name": user.name, "email": user.email, "phone": user.phone,
                    "locale": user.locale, "created_at": _iso(user.created_at),
                    "consent_at": _iso(user.consent_at),
                    "consent_version": user.consent_version},
        "children": [{"id": c.id, "name": c.name, "birth_date": _iso(c.birth_date),
                      "sex": c.sex, "id_number_masked": c.id_number_masked,
                      "special_needs": c.special_needs, "created_at": _iso(c.created_at),
                      "subsidy_city": c.subsidy_city,
                      "guardians": [{"relation": g.relation, "position": g.position,
                                     "is_me": g.user_id == user.id} for g in c.guardianships]}
                     for c in kids],
        "reservations": [{"id": r.id, "child_id": r.child_id, "centre": r.slot.centre.name,
                          "slot_id": r.slot_id, "status": r.status,
                          "created_at": _iso(r.created_at), "enrolled_at": _iso(r.enrolled_at),
                          "ended_at": _iso(r.ended_at), "end_reason": r.end_reason}
                         for r in reservations],
        "waitlist": [{"id": e.id, "child_id": e.child_id, "slot_id": e.slot_id,
                      "status": e.status, "tier": e.tier, "joined_at": _iso(e.joined_at)}
                     for e in db.session.scalars(select(WaitlistEntry).where(
                         WaitlistEntry.child_id.in_(ids)).order_by(WaitlistEntry.id))],
        "health_checks": [{"id": h.id, "child_id": h.child_id, "examined_on": _iso(h.examined_on),
                           "institution": h.institution, "result": h.result,
                           "status": h.status, "valid_until": _iso(h.valid_until),
                           "vaccination_verified": h.vaccination_verified,
                           "height_cm": h.height_cm, "weight_kg": h.weight_kg,
                           "haemoglobin_g_l": h.haemoglobin_g_l, "findings": h.findings,
                           "has_attachment": h.attachment_path is not None}
                          for h in db.session.scalars(select(HealthCheck).where(
                              HealthCheck.child_id.in_(ids)).order_by(HealthCheck.id))],
        "attendance": [{"reservation_id": a.reservation_id, "on_date": _iso(a.on_date),
                        "arrived_at": _iso(a.arrived_at), "temperature_c": a.temperature_c,
                        "observations": a.observations,
                        "morning_check_passed": a.morning_check_passed,
                        "departed_at": _iso(a.departed_at), "collected_by": a.collected_by,
                        "absent": a.absent}
                       for a in db.session.scalars(select(Attendance).join(Reservation).where(
                           Reservation.child_id.in_(ids)).order_by(Attendance.id))],
        "session_bookings": [{"id": b.id, "child_id": b.child_id, "session_id": b.session_id,
                              "centre": b.session.centre.name, "kind": b.session.kind,
                              "starts_at": _iso(b.session.starts_at), "status": b.status,
                              "price_fen": b.price_fen, "created_at": _iso(b.created_at)}
                             for b in db.session.scalars(select(SessionBooking).where(
                                 SessionBooking.child_id.in_(ids)).order_by(SessionBooking.id))],
        "ledger": [{"id": e.id, "centre_id": e.centre_id, "child_id": e.child_id,
                    "kind": e.kind, "amount_fen": e.amount_fen, "month": e.month,
                    "on_date": _iso(e.on_date), "method": e.method, "note": e.note,
                    "recorded_at": _iso(e.recorded_at)}
                   for e in db.session.scalars(select(LedgerEntry).where(
                       LedgerEntry.parent_id == user.id).order_by(LedgerEntry.id))],
        "notifications": [{"kind": n.kind, "params": json.loads(n.params) if n.params else {},
                           "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}
                          for n in db.session.scalars(select(Notification).where(
                              Notification.user_id == user.id).order_by(Notification.id))],
        "activity": [{"at": _iso(e.at), "action": e.action, "entity_type": e.entity_type,
                      "entity_id": e.entity_id}
                     for e in db.session.scalars(select(AuditEvent).where(
                         AuditEvent.actor_id == user.id).order_by(AuditEvent.id))],
    }
    for holder in all_holders():  # what the areas above this one hold (children/holders.py)
        data[holder.key] = holder.export(ids, user)
    record("account.exported", user, actor=user, at=now)
    db.session.commit()
    return data


@command
def delete_account(user, password: str, now=None) -> None:
    """Delete a parent's account: the user is anonymised, so are children with no other
    guardian; reservations, waitlist entries and health records stay (the law requires them
    kept) but point only to anonymised people. Health-form attachments are erased, and each
    area erases what it holds (children/holders.py; docs/privacy.md says what and why).

    :raises ValidationFailed: wrong password. :raises Conflict: a child who would be
        anonymised still holds a place or is enrolled (cancel or withdraw first), or waits
        in a round whose window has closed (allocation/privacy.py).
    """
    from ..health.attachments import discard

    if user.role != "parent":
        raise Forbidden()
    now = now or clock_now()
    if not check_password(user, password or ""):
        raise ValidationFailed(errors={"password": [_("密码不正确")]})
    ids = _child_ids(user)
    sole = [cid for cid in ids if children.guardian_count(cid) == 1]
    live = db.session.scalar(select(Reservation.id).where(
        Reservation.child_id.in_(sole), live_at(now)).limit(1))
    if live is not None:
        raise Conflict(_("孩子仍有保留中的托位或在读，请先取消预约或办理离园，再注销账号"))
    erased = {}
    for holder in all_holders():  # first: a round's lock comes before the rest (design.md)
        if holder.erase is not None:
            erased.update(holder.erase(sole, user, now))
    # Waiting entries of children who will be anonymised leave the queue.
    db.session.execute(update(WaitlistEntry).where(
        WaitlistEntry.child_id.in_(sole), WaitlistEntry.status == "waiting")
        .values(status="withdrawn", ended_at=now).execution_options(synchronize_session=False))
    for child in db.session.scalars(select(Child).where(Child.id.in_(sole))).all():
        child.name, child.anonymised_at = ANON_CHILD_NAME, now
        child.id_number_encrypted = child.id_number_masked = None
        for check in db.session.scalars(select(HealthCheck).where(
                HealthCheck.child_id == child.id)).all():
            discard(check.attachment_path)
            check.attachment_path = check.attachment_type = check.attachment_size = None
        record("child.anonymised", child, actor=user, at=now)
    shared = [cid for cid in ids if cid not in sole]
    if shared:  # the other guardian keeps the child; this account no longer links to it
        db.session.execute(Guardianship.__table__.delete().where(
            Guardianship.user_id == user.id, Guardianship.child_id.in_(shared)))
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                              ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now).execution_options(synchronize_session=False))
    user.name, user.email, user.phone = ANON_USER_NAME, None, None
    user.password_hash, user.deleted_at, user.active = None, now, False
    record("account.deleted", user, actor=user, at=now,
           after={"children_anonymised": sole, "children_kept_by_other_guardian": shared,
                  **erased})
    db.session.commit()
