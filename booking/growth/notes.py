"""Health notes (过敏、饮食禁忌、慢性病、喂药委托): entered by the child's guardians, or by its
centre's director or health worker (marked as the centre's); read by the guardians and the
centre's care staff, every staff read logged (docs/growth.md)."""
from datetime import date

from flask import g, has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..audit.services import record
from ..children import services as children
from ..clock import now as clock_now
from ..clock import today
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..transactions import command
from . import access
from .models import NOTE_KINDS, SEVERITIES, HealthNote

READ, WRITE = "health_note.read", "health_note.write"
_LIMITS = {"title": 80, "reaction": 200, "details": 2000, "dose": 80, "schedule": 120}


def _text(value) -> str | None:
    value = (value or "").strip()
    return value or None


def _check(child, fields: dict, signers: list[int]) -> dict:
    """The note's fields, cleaned, or ValidationFailed naming each wrong one."""
    errors: dict[str, list] = {}
    kind = fields.get("kind")
    if kind not in NOTE_KINDS:
        errors["kind"] = [_("请选择类别：过敏、饮食禁忌、慢性病或喂药委托")]
    clean = {k: _text(fields.get(k)) for k in _LIMITS}
    for name, limit in _LIMITS.items():
        if clean[name] and len(clean[name]) > limit:
            errors.setdefault(name, []).append(_("最多 %(n)s 个字", n=limit))
    if not clean["title"]:
        errors["title"] = [{"allergy": _("请填写过敏原"), "diet": _("请填写饮食禁忌"),
                            "condition": _("请填写疾病名称"), "medication": _("请填写药品名称")}
                           .get(kind, _("请填写名称"))]
    severity = fields.get("severity") or None
    if kind == "allergy" and severity not in SEVERITIES:
        errors["severity"] = [_("请选择过敏的严重程度")]
    starts_on, ends_on, signed_by = (fields.get("starts_on"), fields.get("ends_on"),
                                     fields.get("signed_by"))
    if kind == "medication":
        if not clean["dose"]:
            errors["dose"] = [_("请填写每次剂量")]
        if not clean["schedule"]:
            errors["schedule"] = [_("请填写服药时间，例如：午饭后")]
        if starts_on is None:
            errors["starts_on"] = [_("请填写开始日期")]
        elif starts_on < child.birth_date:
            errors["starts_on"] = [_("开始日期不能早于出生日期")]
        if ends_on is None:
            errors["ends_on"] = [_("请填写结束日期")]
        elif starts_on is not None and ends_on < starts_on:
            errors["ends_on"] = [_("结束日期不能早于开始日期")]
        elif ends_on < today():
            errors["ends_on"] = [_("结束日期已过，委托不会生效")]
        if signed_by not in signers:
            errors["signed_by"] = [_("喂药委托须由孩子的监护人签字，请选择签字的监护人")]
    if errors:
        raise ValidationFailed(errors=errors)
    out = {"kind": kind, "title": clean["title"], "details": clean["details"]}
    if kind == "allergy":
        out.update(reaction=clean["reaction"], severity=severity)
    if kind == "medication":
        out.update(dose=clean["dose"], schedule=clean["schedule"], starts_on=starts_on,
                   ends_on=ends_on, signed_by=signed_by)
    return out


@command
def add(child_id: int, actor, *, kind: str, title: str, reaction=None, severity=None,
        details=None, dose=None, schedule=None, starts_on: date | None = None,
        ends_on: date | None = None, signed_by: int | None = None, now=None) -> HealthNote:
    """A guardian adds a note for their child, or the director or health worker of a centre
    caring for it adds one (shown as the centre's). A medication permission names the
    guardian who signed it: a guardian entering one signs it themselves; the centre enters
    one from a signed paper form and names its signer.

    :raises NotFound: not their child / not a child in their care.
    :raises ValidationFailed: a missing or wrong field (each named).
    """
    child = access.child_for(actor, child_id, WRITE, now)
    signers = [actor.id] if actor.role == "parent" else children.guardians_of(child_id)
    if actor.role == "parent" and signed_by is None:
        signed_by = actor.id
    fields = _check(child, {"kind": kind, "title": title, "reaction": reaction,
                            "severity": severity, "details": details, "dose": dose,
                            "schedule": schedule, "starts_on": starts_on, "ends_on": ends_on,
                            "signed_by": signed_by}, signers)
    by_centre = actor.role == "staff"
    note = HealthNote(child_id=child_id, entered_as="centre" if by_centre else "guardian",
                      entered_by=actor.id, centre_id=actor.centre_id if by_centre else None,
                      created_at=now or clock_now(), **fields)
    db.session.add(note)
    db.session.flush()
    record("health_note.added", note, actor=actor, centre_id=note.centre_id,
           after={"child_id": child_id, "kind": note.kind, "entered_as": note.entered_as})
    db.session.commit()
    return note


@command
def remove(note_id: int, actor, *, child_id: int | None = None, now=None) -> HealthNote:
    """Withdraw a note (an allergy outgrown, a permission ended early). A guardian may withdraw
    any note of their child; the centre's director or health worker only those their centre
    entered. The note stays on record as withdrawn.

    :raises NotFound: no such note (or not `child_id`'s), or one the actor may not withdraw.
    :raises Conflict: already withdrawn.
    """
    note = db.session.get(HealthNote, note_id)
    if note is None or (child_id is not None and note.child_id != child_id):
        raise NotFound()
    access.child_for(actor, note.child_id, WRITE, now)
    if actor.role == "staff" and note.centre_id != actor.centre_id:
        raise NotFound()
    if note.removed_at is not None:
        raise Conflict(_("这条健康信息已撤回"))
    note.removed_at, note.removed_by = now or clock_now(), actor.id
    record("health_note.removed", note, actor=actor,
           centre_id=actor.centre_id if actor.role == "staff" else None,
           before={"kind": note.kind, "title": note.title}, after={"removed": True})
    db.session.commit()
    return note


def _active(child_ids):
    return select(HealthNote).where(HealthNote.child_id.in_(child_ids),
                                    HealthNote.removed_at.is_(None))


def _order(notes: list[HealthNote]) -> list[HealthNote]:
    kinds = {k: i for i, k in enumerate(NOTE_KINDS)}
    weight = {"severe": 0, "moderate": 1, "mild": 2, None: 3}
    return sorted(notes, key=lambda n: (kinds[n.kind], weight[n.severity], n.id))


@command
def notes_of(child_id: int, user, *, where: str = "child", now=None) -> list[HealthNote]:
    """The child's notes in force, allergies first (the severe first), for someone who may
    read them; a staff member's read is logged.

    :raises NotFound: anyone else.
    """
    access.child_for(user, child_id, READ, now)
    notes = _order(db.session.scalars(_active([child_id])).all())
    if user.role == "staff":
        access.log_staff_reads(user, "health_note.read", [child_id], where=where)
        db.session.commit()
    return notes


def may_write(user, child_id: int) -> bool:
    try:
        access.child_for(user, child_id, WRITE)
    except NotFound:
        return False
    return True


def short_label(note: HealthNote) -> str:
    """The few words carers see beside a child's name: "花生过敏（严重）", "清真"."""
    if note.kind == "allergy":
        if note.severity == "severe":
            return _("%(what)s过敏（严重）", what=note.title)
        return _("%(what)s过敏", what=note.title)
    return note.title


def _signed_in():
    if not has_request_context():
        return None
    user = g.get("api_user")
    if user is not None:
        return user
    return current_user if current_user and current_user.is_authenticated else None


@command
def notes_for_class(child_ids, reader=None) -> dict[int, list[str]]:
    """Short allergy and diet labels for the children of a class view or meal log, most
    important first: {child_id: ["花生过敏（严重）", "清真"]} (children without any: absent).

    Showing them to staff is a read of health notes and is logged, one event per child shown
    with labels; the reader is the signed-in account unless given. The caller has decided the
    reader may see these children (their centre's class).
    """
    ids = sorted({int(c) for c in child_ids})
    if not ids:
        return {}
    found: dict[int, list[HealthNote]] = {}
    for note in db.session.scalars(_active(ids).where(HealthNote.kind.in_(("allergy", "diet")))):
        found.setdefault(note.child_id, []).append(note)
    out = {cid: [short_label(n) for n in _order(notes)] for cid, notes in found.items()}
    reader = reader or _signed_in()
    if out and reader is not None and reader.role == "staff":
        access.log_staff_reads(reader, "health_note.read", out, where="class")
        db.session.commit()
    return out
