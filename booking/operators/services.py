"""Operators and the centres they run: registering and changing an operator, linking a
centre to it and ending the link (docs/operators.md). Every change is audited.

A centre has at most one current operator. Linking it to another ends the current link the
day before the new one starts, in the same transaction, under the centre's row lock (the
first write, docs/design.md, Locking); the partial unique index on current rows holds the
rule even so."""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.permissions import allowed
from ..centres.models import Centre, District
from ..clock import today
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import holds, holds_centre
from ..rosters import persons
from ..transactions import command
from . import credit_code, managers
from .models import CentreOperator, Operator
from .queries import current_link, operator_for

FIELDS = ("name", "credit_code", "legal_representative", "contact_name", "contact_phone",
          "address")


def _clean(fields: dict, actor, errors: dict) -> dict:
    out = {k: (fields[k].strip() if isinstance(fields[k], str) else fields[k])
           for k in FIELDS if k in fields}
    for k in ("contact_name", "contact_phone", "address"):
        if k in out and not out[k]:
            out[k] = None
    for k, label in (("name", _("名称")), ("legal_representative", _("法定代表人"))):
        if k in out and not out[k]:
            errors[k] = [_("请填写%(what)s", what=label)]
    if "credit_code" in out:
        out["credit_code"] = credit_code.normalise(out["credit_code"])
        if not credit_code.is_valid(out["credit_code"]):
            errors["credit_code"] = [_("统一社会信用代码应为 18 位，且校验位正确（GB 32100-2015）")]
    if "district" in fields:
        d = db.session.scalar(select(District).where(District.code == fields["district"]))
        if d is None or not holds(actor, d):
            errors["district"] = [_("请选择您辖区内的区县")]
        else:
            out["district_id"] = d.id
    return out


def _taken(code: str, operator_id=None) -> bool:
    stmt = select(Operator.id).where(Operator.credit_code == code)
    if operator_id:
        stmt = stmt.where(Operator.id != operator_id)
    return db.session.scalar(stmt) is not None


def _flush_or_conflict(message):
    try:
        db.session.flush()
    except IntegrityError:  # @command rolls back
        raise Conflict(message) from None


def _manager(actor):
    if not allowed(actor, "operator.manage"):
        raise NotFound()


@command
def create_operator(actor, **fields) -> Operator:
    """Register an operator in a district of the actor's jurisdiction.
    :raises ValidationFailed: a field missing or wrong (the credit code's check character).
    :raises Conflict: an operator with this credit code exists."""
    _manager(actor)
    errors: dict = {}
    data = _clean({"district": fields.pop("district", None), **fields}, actor, errors)
    for k in ("name", "credit_code", "legal_representative"):
        if not data.get(k) and k not in errors:
            errors[k] = [_("此项必填")]
    if errors:
        raise ValidationFailed(errors=errors)
    taken = _("已有使用该统一社会信用代码的举办者")
    if _taken(data["credit_code"]):
        raise Conflict(taken, errors={"credit_code": [taken]})
    op = Operator(**data, created_by=actor.id)
    db.session.add(op)
    _flush_or_conflict(taken)
    record("operator.created", op, actor=actor,
           after={k: data.get(k) for k in (*FIELDS, "district_id")})
    db.session.commit()
    return op


@command
def update_operator(actor, operator_id: int, **fields) -> Operator:
    """Change an operator's particulars: the regulators of its district of registration (or
    its city) and admins; a regulator who sees it only through a centre it runs reads it.
    :raises NotFound, Forbidden, ValidationFailed, Conflict."""
    _manager(actor)
    op = operator_for(actor, operator_id)
    if not may_edit(actor, op):
        raise Forbidden(_("只有举办者登记所在区县的监管部门可以修改其信息"))
    if fields.get("district") == op.district.code:
        fields.pop("district")
    errors: dict = {}
    data = _clean(fields, actor, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    taken = _("已有使用该统一社会信用代码的举办者")
    if "credit_code" in data and _taken(data["credit_code"], op.id):
        raise Conflict(taken, errors={"credit_code": [taken]})
    before, after = {}, {}
    for k, v in data.items():
        if getattr(op, k) != v:
            before[k], after[k] = getattr(op, k), v
            setattr(op, k, v)
    if not after:
        return op
    _flush_or_conflict(taken)
    record("operator.updated", op, actor=actor, before=before, after=after)
    db.session.commit()
    return op


def may_edit(actor, op: Operator) -> bool:
    return allowed(actor, "operator.manage") and holds(actor, op.district)


def _centre_in_scope(actor, centre_id: int) -> Centre:
    centre = db.session.get(Centre, centre_id)
    if centre is None or not holds_centre(actor, centre):
        raise NotFound()
    return centre


def _lock_centre(centre_id: int) -> None:
    # The centre's row first: two links of one centre at once queue here, and the second
    # sees the first's current row (docs/design.md, Locking).
    db.session.execute(update(Centre).where(Centre.id == centre_id).values(name=Centre.name)
                       .execution_options(synchronize_session=False))


def _current_row(centre_id: int) -> CentreOperator | None:
    return db.session.scalar(select(CentreOperator).where(
        CentreOperator.centre_id == centre_id, current_link()))


@command
def link_centre(actor, operator_id: int, centre_id: int, from_date=None) -> CentreOperator:
    """The operator runs the centre from `from_date` (today by default, never a later day).
    A current link to another operator ends the day before.
    :raises NotFound: operator or centre outside the scope. :raises Conflict: already linked.
    :raises SharedStaff: staff of the centre also on the registers of the old operator's
        other centres (rosters/persons.py, 409).
    :raises ValidationFailed: the date is later than today or not after the current start."""
    _manager(actor)
    op = operator_for(actor, operator_id)
    _centre_in_scope(actor, centre_id)
    from_date = from_date or today()
    if from_date > today():
        raise ValidationFailed(errors={"from_date": [_("起始日期不能晚于今天")]})
    _lock_centre(centre_id)
    current = _current_row(centre_id)
    if current is not None:
        if current.operator_id == op.id:
            raise Conflict(_("该机构已由此举办者运营"))
        if from_date <= current.from_date:
            raise ValidationFailed(errors={"from_date": [
                _("起始日期须晚于现举办者的起始日期（%(d)s）", d=current.from_date.isoformat())]})
        _end(current, from_date - timedelta(days=1), actor)
    link = CentreOperator(centre_id=centre_id, operator_id=op.id, from_date=from_date,
                          created_by=actor.id)
    db.session.add(link)
    _flush_or_conflict(_("该机构的举办者刚被他人更改，请刷新后重试"))
    record("centre.operator_linked", link, actor=actor, centre_id=centre_id,
           after={"operator_id": op.id, "operator": op.name, "from_date": from_date})
    if current is not None:
        managers.on_unlinked(current.operator_id, centre_id, actor)
    managers.on_linked(op.id, centre_id, actor)
    persons.rescope_centre(centre_id, f"o{op.id}")
    db.session.commit()
    return link


def _end(link: CentreOperator, to_date, actor) -> None:
    link.to_date = to_date
    record("centre.operator_unlinked", link, actor=actor, centre_id=link.centre_id,
           before={"operator_id": link.operator_id, "to_date": None},
           after={"to_date": to_date})
    db.session.flush()


@command
def unlink_centre(actor, operator_id: int, centre_id: int, to_date=None) -> CentreOperator:
    """The operator stops running the centre; `to_date` (today by default) is its last day.
    :raises NotFound: outside the scope, or the operator does not run the centre now.
    :raises ValidationFailed: the date is before the link's start or after today."""
    _manager(actor)
    operator_for(actor, operator_id)
    _centre_in_scope(actor, centre_id)
    to_date = to_date or today()
    _lock_centre(centre_id)
    current = _current_row(centre_id)
    if current is None or current.operator_id != operator_id:
        raise NotFound()
    if to_date > today() or to_date < current.from_date:
        raise ValidationFailed(errors={"to_date": [
            _("结束日期应在 %(a)s 到今天之间", a=current.from_date.isoformat())]})
    _end(current, to_date, actor)
    managers.on_unlinked(operator_id, centre_id, actor)
    persons.rescope_centre(centre_id, f"c{centre_id}")
    db.session.commit()
    return current
