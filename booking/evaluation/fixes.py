"""Fix items (整改项, docs/evaluation.md): set by an inspection on one item with a deadline
not before the inspection; the centre's director reports the fix; the regulator verifies it
or sends it back (open again, perhaps with a new deadline). When every fix item of an
inspection is verified, the inspection is followed up (`Inspection.followed_up_on`), so the
regulator's dashboard list of overdue fixes and this one agree."""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..audit.services import notify, record
from ..auth.recipients import directors_of, regulators_of
from ..clock import today
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..regulator.jurisdiction import centre_clause, holds_centre
from ..transactions import command
from .checklist import BY_CODE
from .models import NOTE_MAX, Evaluation, FixItem

DUE_SOON_DAYS = 7


def _what(value) -> str:
    return (value or "").strip()


def check_fixes(fixes, inspected_on) -> list[str]:
    """Messages for bad fix items, each naming the item (or its place in the list)."""
    errors = []
    for n, fix in enumerate(fixes or (), start=1):
        item = BY_CODE.get(fix.get("code"))
        name = item.label if item else _("第 %(n)s 项整改", n=n)
        if item is None:
            errors.append(_("%(name)s：请选择检查项", name=name))
        if not _what(fix.get("what")) or len(_what(fix.get("what"))) > NOTE_MAX:
            errors.append(_("%(name)s：请写明整改内容（最多 %(n)s 个字符）", name=name, n=NOTE_MAX))
        due = fix.get("due_on")
        if due is None:
            errors.append(_("%(name)s：请填写整改期限", name=name))
        elif inspected_on is not None and due < inspected_on:
            errors.append(_("%(name)s：整改期限不能早于检查日期", name=name))
    return errors


def new_fix(ev: Evaluation, regulator, *, code, what, due_on) -> FixItem:
    """A helper of the commands (checked by check_fixes, not committed)."""
    fix = FixItem(evaluation_id=ev.id, centre_id=ev.centre_id, code=code, what=_what(what),
                  due_on=due_on, status="open", set_by=regulator.id)
    db.session.add(fix)
    db.session.flush()
    record("evaluation.fix_set", fix, actor=regulator, centre_id=ev.centre_id,
           after={"code": code, "due_on": due_on, "evaluation_id": ev.id})
    _tell(fix, "set")
    return fix


def _tell(fix: FixItem, event: str, reason: str = "") -> None:
    """A fix item set or sent back is the centre's directors' to act on; one reported done is
    the district's regulators' to verify (docs/evaluation.md, "Notices")."""
    centre = fix.centre
    to = regulators_of(centre.district) if event == "reported" else directors_of(centre.id)
    for uid in to:
        notify(uid, "fix_item_update", fix_id=fix.id, centre=centre.name, what=fix.what,
               event=event, due_on=fix.due_on.isoformat(), reason=reason)


def _sync_inspection(ev: Evaluation, on_date=None) -> None:
    """The inspection's fix deadline is the earliest unverified fix item's; once all are
    verified it is followed up on the last verification's day."""
    inspection = ev.inspection
    if inspection is None:
        return
    pending = [x.due_on for x in ev.fixes if x.status != "verified"]
    if pending:
        inspection.fix_deadline, inspection.followed_up_on = min(pending), None
    elif ev.fixes and on_date is not None:
        inspection.followed_up_on = on_date


def _lock(fix_id: int) -> FixItem | None:
    db.session.execute(update(FixItem).where(FixItem.id == fix_id)
                       .values(status=FixItem.status)
                       .execution_options(synchronize_session=False))
    fix = db.session.get(FixItem, fix_id)
    if fix is not None:
        db.session.refresh(fix)
    return fix


def for_regulator(fix_id: int, user) -> FixItem:
    fix = db.session.get(FixItem, fix_id)
    if fix is None or not holds_centre(user, fix.centre):
        raise NotFound()
    return fix


def for_director(fix_id: int, user) -> FixItem:
    fix = db.session.get(FixItem, fix_id)
    if fix is None or fix.centre_id != user.centre_id:
        raise NotFound()
    return fix


@command
def add_fix(evaluation_id: int, regulator, *, code, what, due_on) -> FixItem:
    """:raises NotFound: no such inspection in the jurisdiction.
    :raises ValidationFailed: no item, no text, a deadline before the inspection."""
    ev = db.session.get(Evaluation, evaluation_id)
    if ev is None or ev.kind != "inspection" or not holds_centre(regulator, ev.centre):
        raise NotFound()
    errors = check_fixes([{"code": code, "what": what, "due_on": due_on}], ev.evaluated_on)
    if errors:
        raise ValidationFailed(errors={"fix_items": errors})
    fix = new_fix(ev, regulator, code=code, what=what, due_on=due_on)
    db.session.refresh(ev)
    _sync_inspection(ev)
    db.session.commit()
    return fix


@command
def report_fix(fix_id: int, director, *, fixed_on=None, note=None) -> FixItem:
    """The centre says the item is fixed. :raises NotFound: another centre's.
    :raises Conflict: not open. :raises ValidationFailed: a date in the future or before
    the inspection; a note too long."""
    for_director(fix_id, director)
    fix = _lock(fix_id)
    if fix.status != "open":
        raise Conflict(_("该整改项不在待整改状态"))
    fixed_on = fixed_on or today()
    errors = {}
    if fixed_on > today() or fixed_on < fix.evaluation.evaluated_on:
        errors["fixed_on"] = [_("整改完成日期应在检查日期与今天之间")]
    if note and len(note) > NOTE_MAX:
        errors["note"] = [_("最多 %(n)s 个字符", n=NOTE_MAX)]
    if errors:
        raise ValidationFailed(errors=errors)
    fix.status, fix.fixed_on, fix.reported_by = "reported", fixed_on, director.id
    fix.fix_note = (note or "").strip() or None
    record("evaluation.fix_reported", fix, actor=director, centre_id=fix.centre_id,
           before={"status": "open"}, after={"status": "reported", "fixed_on": fixed_on,
                                             "late": fixed_on > fix.due_on})
    _tell(fix, "reported")
    db.session.commit()
    return fix


@command
def verify_fix(fix_id: int, regulator, *, on_date=None) -> FixItem:
    """:raises NotFound: outside the jurisdiction. :raises Conflict: not reported.
    :raises ValidationFailed: a date in the future or before the reported fix."""
    for_regulator(fix_id, regulator)
    fix = _lock(fix_id)
    if fix.status != "reported":
        raise Conflict(_("只能核验已报告整改完成的整改项"))
    on_date = on_date or today()
    if on_date > today() or on_date < fix.fixed_on:
        raise ValidationFailed(errors={"on_date": [_("核验日期应在整改完成日期与今天之间")]})
    fix.status, fix.verified_on, fix.verified_by = "verified", on_date, regulator.id
    fix.returned_reason = None
    db.session.flush()
    _sync_inspection(fix.evaluation, on_date)
    record("evaluation.fix_verified", fix, actor=regulator, centre_id=fix.centre_id,
           before={"status": "reported"}, after={"status": "verified", "verified_on": on_date})
    db.session.commit()
    return fix


@command
def return_fix(fix_id: int, regulator, *, reason, due_on=None) -> FixItem:
    """Send a reported fix back: open again, with the reason and perhaps a new deadline (not
    before today). :raises NotFound, Conflict (not reported), ValidationFailed."""
    for_regulator(fix_id, regulator)
    fix = _lock(fix_id)
    if fix.status != "reported":
        raise Conflict(_("只能退回已报告整改完成的整改项"))
    reason = (reason or "").strip()
    errors = {}
    if not reason or len(reason) > NOTE_MAX:
        errors["reason"] = [_("请说明退回理由（最多 %(n)s 个字符）", n=NOTE_MAX)]
    if due_on is not None and due_on < today():
        errors["due_on"] = [_("新的整改期限不能早于今天")]
    if errors:
        raise ValidationFailed(errors=errors)
    before_due = fix.due_on
    fix.status, fix.returned_reason = "open", reason
    fix.fixed_on = fix.reported_by = None
    fix.due_on = due_on or fix.due_on
    db.session.flush()
    _sync_inspection(fix.evaluation)
    record("evaluation.fix_returned", fix, actor=regulator, centre_id=fix.centre_id,
           before={"status": "reported", "due_on": before_due},
           after={"status": "open", "due_on": fix.due_on}, reason=reason)
    _tell(fix, "returned", reason)
    db.session.commit()
    return fix


def of_centre(centre_id: int) -> list[FixItem]:
    return list(db.session.scalars(select(FixItem).where(FixItem.centre_id == centre_id)
                                   .order_by(FixItem.status == "verified", FixItem.due_on,
                                             FixItem.id)))


def due_for(user, *, overdue_only=False, day=None) -> list[FixItem]:
    """The regulator's list: unverified fix items in the jurisdiction, earliest deadline
    first — all of them, or (overdue_only) those still open after their deadline."""
    day = day or today()
    stmt = select(FixItem).where(FixItem.status != "verified",
                                 centre_clause(user, FixItem.centre_id))
    if overdue_only:
        stmt = stmt.where(FixItem.status == "open", FixItem.due_on < day)
    return list(db.session.scalars(stmt.order_by(FixItem.due_on, FixItem.id).limit(500)))


def due_counts(user, day=None) -> dict:
    """For the regulator's dashboard: unverified fix items, those due within DUE_SOON_DAYS,
    those overdue (still open after the deadline), and those awaiting verification."""
    day = day or today()
    rows = due_for(user, day=day)
    states = [state(x, day) for x in rows]
    return {"open": len(rows), "due_soon": states.count("due_soon"),
            "overdue": states.count("overdue"), "reported": states.count("reported")}


def state(fix: FixItem, day=None) -> str:
    """open | due_soon | overdue | reported | verified, as lists show it."""
    day = day or today()
    if fix.status != "open":
        return fix.status
    if fix.due_on < day:
        return "overdue"
    if fix.due_on <= day + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "open"
