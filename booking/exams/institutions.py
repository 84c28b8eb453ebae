"""Health institutions (妇幼保健院, 社区卫生服务中心, 医院) and their accounts (docs/exams.md).

A district's regulators (within their jurisdiction) and admins register an institution, edit
it, and make or stop its doctor, nurse and clerk accounts. An institution outside the
actor's jurisdiction is answered as missing (404), as a centre is.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..auth import services as accounts
from ..auth.models import INSTITUTION_ROLES, User
from ..auth.permissions import allowed
from ..centres.models import District
from ..clock import now as clock_now
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import district_clause, holds
from ..transactions import command
from .models import INSTITUTION_KINDS, HealthInstitution, InstitutionMember

MAX_CUTOFF_HOURS = 168


@dataclass
class InstitutionSpec:
    name: str
    kind: str
    district_id: int | None
    address: str | None = None
    phone: str | None = None
    cancel_cutoff_hours: int = 24


def _manager(actor) -> None:
    if actor is None or not allowed(actor, "institution.manage"):
        raise Forbidden()


def visible_institution(institution_id: int, actor) -> HealthInstitution:
    """The institution if `actor` manages it (its district is in the jurisdiction); 404
    otherwise. :raises Forbidden: a role without institution.manage."""
    _manager(actor)
    inst = db.session.get(HealthInstitution, institution_id)
    if inst is None or not holds(actor, inst.district):
        raise NotFound()
    return inst


def listed(actor) -> list[HealthInstitution]:
    """The institutions of the actor's jurisdiction, by district then name."""
    _manager(actor)
    return list(db.session.scalars(
        select(HealthInstitution).join(District, District.id == HealthInstitution.district_id)
        .where(district_clause(actor)).order_by(District.code, HealthInstitution.name)))


def districts_for(actor) -> list[District]:
    return list(db.session.scalars(select(District).where(district_clause(actor))
                                   .order_by(District.city, District.code)))


def _validate(spec: InstitutionSpec, actor) -> District:
    errors: dict[str, list] = {}
    if not (spec.name or "").strip():
        errors["name"] = [_("请填写机构名称")]
    elif len(spec.name.strip()) > 120:
        errors["name"] = [_("机构名称最多 120 个字")]
    if spec.kind not in INSTITUTION_KINDS:
        errors["kind"] = [_("请选择机构类型")]
    if not isinstance(spec.cancel_cutoff_hours, int) or \
            not 0 <= spec.cancel_cutoff_hours <= MAX_CUTOFF_HOURS:
        errors["cancel_cutoff_hours"] = [_("取消截止应在开始前 0 到 %(max)s 小时之间",
                                           max=MAX_CUTOFF_HOURS)]
    if spec.address and len(spec.address) > 200:
        errors["address"] = [_("地址最多 200 个字")]
    if spec.phone and len(spec.phone) > 20:
        errors["phone"] = [_("电话最多 20 位")]
    district = db.session.get(District, spec.district_id) if spec.district_id else None
    if district is None or not holds(actor, district):
        errors["district_id"] = [_("请选择您辖区内的区县")]
    if errors:
        raise ValidationFailed(errors=errors)
    return district


def _fields(inst: HealthInstitution) -> dict:
    return {"name": inst.name, "kind": inst.kind, "district_id": inst.district_id,
            "address": inst.address, "phone": inst.phone,
            "cancel_cutoff_hours": inst.cancel_cutoff_hours, "active": inst.active}


@command
def register(spec: InstitutionSpec, *, actor, now=None) -> HealthInstitution:
    """:raises Forbidden: not a regulator or admin. :raises ValidationFailed: bad values, a
    district outside the jurisdiction."""
    now = now or clock_now()
    _manager(actor)
    district = _validate(spec, actor)
    inst = HealthInstitution(name=spec.name.strip(), kind=spec.kind, district_id=district.id,
                             address=(spec.address or "").strip() or None,
                             phone=(spec.phone or "").strip() or None,
                             cancel_cutoff_hours=spec.cancel_cutoff_hours, active=True,
                             created_by=actor.id, created_at=now)
    db.session.add(inst)
    db.session.flush()
    record("institution.created", inst, actor=actor, after=_fields(inst), at=now)
    db.session.commit()
    return inst


@command
def edit(institution_id: int, spec: InstitutionSpec, *, actor, active: bool | None = None,
         now=None) -> HealthInstitution:
    """Change an institution's details; `active=False` takes it off the families' list (its
    sessions already booked stay)."""
    now = now or clock_now()
    inst = visible_institution(institution_id, actor)
    district = _validate(spec, actor)
    before = _fields(inst)
    inst.name, inst.kind, inst.district_id = spec.name.strip(), spec.kind, district.id
    inst.address = (spec.address or "").strip() or None
    inst.phone = (spec.phone or "").strip() or None
    inst.cancel_cutoff_hours = spec.cancel_cutoff_hours
    if active is not None:
        inst.active = bool(active)
    record("institution.changed", inst, actor=actor, before=before, after=_fields(inst), at=now)
    db.session.commit()
    return inst


def accounts_of(inst: HealthInstitution) -> list[User]:
    return list(db.session.scalars(
        select(User).join(InstitutionMember, InstitutionMember.user_id == User.id)
        .where(InstitutionMember.institution_id == inst.id).order_by(User.active.desc(),
                                                                      User.name)))


def create_account(institution_id: int, *, actor, name: str, role: str, password: str,
                   email=None, phone=None) -> User:
    """A doctor's, nurse's or clerk's account of the institution (auth/services.create_user
    commits it with its audit event).

    :raises NotFound, Forbidden. :raises ValidationFailed, Conflict: as create_user."""
    inst = visible_institution(institution_id, actor)
    if role not in INSTITUTION_ROLES:
        raise ValidationFailed(errors={"institution_role": [_("请选择医生、护士或登记员")]})
    if not (name or "").strip():
        raise ValidationFailed(errors={"name": [_("请填写姓名")]})
    return accounts.create_user(role="institution", name=name, password=password,
                                email=email or None, phone=phone or None,
                                institution_id=inst.id, institution_role=role, actor=actor)


def member_account(institution_id: int, user_id: int, actor) -> tuple[HealthInstitution, User]:
    inst = visible_institution(institution_id, actor)
    member = db.session.get(InstitutionMember, user_id)
    if member is None or member.institution_id != inst.id:
        raise NotFound()
    return inst, member.user


def deactivate_account(institution_id: int, user_id: int, *, actor) -> User:
    """The account can no longer sign in (auth/services.deactivate ends its sessions)."""
    _inst, user = member_account(institution_id, user_id, actor)
    accounts.deactivate(user, actor=actor)
    return user
