"""Applications to a round (docs/allocation.md, "Applying"): one per child, twins and other
multiples as one application needing all their seats at one slot; ranked choices, editable
while the window is open; a tier the records prove, or one claimed with evidence that the
centre or the regulator checks before the window closes.
"""
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import notify, record
from ..auth.permissions import allowed, can
from ..centres.bands import check_band
from ..children import services as children
from ..children.models import Child, Guardianship
from ..clock import now as clock_now
from ..errors import AgeOutOfBand, Conflict, Forbidden, NotFound, RoundClosed, ValidationFailed
from ..extensions import db
from ..places.locking import lock_children
from ..regulator.closure import open_case_for
from ..regulator.jurisdiction import holds_centre
from ..reservations.models import Reservation, in_care_at, live_at
from ..slots.models import Slot
from ..slots.queries import taking_bookings
from ..transactions import command
from .models import Application, ApplicationChild, ApplicationChoice, AppStatus, Round
from .rounds import lock_round, manages, priority_of, slot_ids_of, window_open

# Tiers a family claims with evidence; the others the records prove (as on waitlists).
CLAIMED_TIERS = ("special_needs", "employer_staff", "district_resident")


def derived_tiers(rnd: Round, child: Child, parent_id: int, now) -> set[str]:
    """The tiers the records prove for this round: an older sibling in care at one of the
    round's centres (长幼随学, the same for every choice, so ranking cannot buy it), an older
    sibling at all (二孩三孩), the child's centre closed (应急转托)."""
    tiers = {"everyone"}
    siblings = db.session.scalars(select(Child).join(Guardianship).where(
        Guardianship.user_id == parent_id, Child.id != child.id)).all()
    older = [s for s in siblings if s.multiple_birth_key is None
             or s.multiple_birth_key != child.multiple_birth_key]
    if older or (child.older_siblings or 0) > 0:
        tiers.add("second_third_child")
    centres = select(Slot.centre_id).where(Slot.id.in_(slot_ids_of(rnd)))
    if older and db.session.scalar(select(Reservation.id).join(Slot).where(
            Slot.centre_id.in_(centres), Reservation.child_id.in_([s.id for s in older]),
            in_care_at(now)).limit(1)):
        tiers.add("sibling")
    if open_case_for(child.id) is not None:
        tiers.add("closure_transfer")
    return tiers


def _check_choices(rnd: Round, unit: list[Child], choices, now) -> list[int]:
    """The choices as slot ids, most wanted first. :raises ValidationFailed."""
    if not isinstance(choices, list) or not choices:
        raise ValidationFailed(errors={"choices": [_("请至少选择一个志愿")]})
    if any(not isinstance(c, int) or isinstance(c, bool) for c in choices):
        raise ValidationFailed(errors={"choices": [_("志愿必须是托位编号")]})
    if len(choices) > rnd.max_choices:
        raise ValidationFailed(errors={"choices": [
            _("最多填报 %(n)s 个志愿", n=rnd.max_choices)]})
    if len(set(choices)) != len(choices):
        raise ValidationFailed(errors={"choices": [_("同一个托位只能填报一次")]})
    in_round = set(slot_ids_of(rnd))
    outside = [c for c in choices if c not in in_round]
    if outside:
        raise ValidationFailed(errors={"choices": [
            _("托位 %(ids)s 不在本轮派位范围内", ids=", ".join(str(c) for c in outside))]})
    slots = {s.id: s for s in db.session.scalars(select(Slot).where(Slot.id.in_(choices)))}
    closed = [sid for sid in choices if not taking_bookings(slots[sid].centre)]
    if closed:
        raise ValidationFailed(errors={"choices": [
            _("托位 %(ids)s 所在机构目前不接受预约", ids=", ".join(str(c) for c in closed))]})
    for sid in choices:
        slot = slots[sid]
        for member in unit:
            try:
                check_band(slot.age_band, slot.starts_on, member)
            except AgeOutOfBand as err:
                raise ValidationFailed(errors={"choices": [err.message]}) from None
    placed_here = db.session.scalar(select(Reservation.slot_id).where(
        Reservation.slot_id.in_(choices), Reservation.child_id.in_([m.id for m in unit]),
        live_at(now)).limit(1))
    if placed_here is not None:
        raise ValidationFailed(errors={"choices": [
            _("孩子已在托位 %(id)s 有预约或在读，无需再填报", id=placed_here)]})
    return list(choices)


def _editable(round_id: int, application_id: int, parent, now) -> tuple[Round, Application]:
    """The round (locked) and the parent's application in it, while it may still change.
    :raises NotFound, RoundClosed, Conflict (withdrawn)."""
    rnd = lock_round(round_id)
    app = db.session.get(Application, application_id)
    if app is None or app.round_id != rnd.id or not children.is_guardian(parent, app.child_id):
        raise NotFound()
    db.session.refresh(app)
    if not window_open(rnd, now):
        raise RoundClosed()
    if app.status != AppStatus.SUBMITTED:
        raise Conflict(_("该申请已撤回"))
    return rnd, app


@command
def apply(round_id: int, parent, *, child_id: int, choices, tier: str | None = None,
          evidence: str | None = None, now=None) -> Application:
    """Apply for a child (with its twins) while the window is open.

    :raises Forbidden, NotFound (the round or the child), RoundClosed, Conflict (the child
        already applied), ValidationFailed (choices, tier, evidence).
    """
    now = now or clock_now()
    if not allowed(parent, "round.apply"):
        raise Forbidden()
    # The lock order: the round, then the children (docs/design.md "Lock order").
    rnd = lock_round(round_id)
    # A draft is outside the window like a closed round (docs/api.md); its contents stay hidden.
    if not window_open(rnd, now):
        raise RoundClosed()
    child = children.child_for_guardian(parent, child_id)
    unit = children.multiples_of(child, parent.id)
    lock_children([m.id for m in unit])
    if db.session.scalar(select(ApplicationChild.application_id).where(
            ApplicationChild.round_id == rnd.id,
            ApplicationChild.child_id.in_([m.id for m in unit])).limit(1)):
        raise Conflict(_("%(name)s 在本轮已有申请，可以修改志愿", name=child.name))
    if tier is not None and tier not in CLAIMED_TIERS:
        raise ValidationFailed(errors={"tier": [_("此优先类别由系统根据记录判断，无需申报")]})
    if tier is not None and not (evidence and evidence.strip()):
        raise ValidationFailed(errors={"evidence": [_("申报优先类别需要提供证明材料说明")]})
    ranked = _check_choices(rnd, unit, choices, now)
    derived = derived_tiers(rnd, child, parent.id, now)
    _p, derived_tier = priority_of(rnd, derived)
    priority, effective = priority_of(rnd, derived | ({tier} if tier else set()))
    app = Application(round_id=rnd.id, parent_id=parent.id, status=AppStatus.SUBMITTED,
                      size=len(unit), derived_tier=derived_tier, claimed_tier=tier,
                      evidence=(evidence or "").strip() or None,
                      evidence_status="pending" if tier else None,
                      tier=effective, priority=priority, submitted_at=now, updated_at=now)
    db.session.add(app)
    db.session.flush()
    db.session.add_all(ApplicationChild(round_id=rnd.id, child_id=m.id, application_id=app.id)
                       for m in unit)
    db.session.add_all(ApplicationChoice(application_id=app.id, rank=i, slot_id=sid)
                       for i, sid in enumerate(ranked, 1))
    record("round.applied", app, actor=parent, at=now,
           after={"round_id": rnd.id, "children": [m.id for m in unit], "choices": ranked,
                  "tier": effective, "priority": priority, "claimed_tier": tier})
    db.session.commit()
    return app


@command
def change_choices(round_id: int, application_id: int, parent, choices, now=None) -> Application:
    """Re-rank the choices while the window is open. :raises NotFound, RoundClosed,
    ValidationFailed, Conflict (withdrawn)."""
    now = now or clock_now()
    rnd, app = _editable(round_id, application_id, parent, now)
    unit = [m.child for m in app.members]
    ranked = _check_choices(rnd, unit, choices, now)
    before = app.choice_ids
    app.choices.clear()
    db.session.flush()
    app.choices.extend(ApplicationChoice(application_id=app.id, rank=i, slot_id=sid)
                       for i, sid in enumerate(ranked, 1))
    app.updated_at = now
    record("round.choices_changed", app, actor=parent, at=now, before={"choices": before},
           after={"choices": ranked})
    db.session.commit()
    return app


@command
def withdraw(round_id: int, application_id: int, parent, now=None) -> Application:
    """Withdraw while the window is open (the child may apply again).
    :raises NotFound, RoundClosed, Conflict."""
    now = now or clock_now()
    _rnd, app = _editable(round_id, application_id, parent, now)
    app.status, app.updated_at = AppStatus.WITHDRAWN, now
    children_ids = [m.child_id for m in app.members]
    # The rows that keep one application per child go, so the child can apply again.
    for m in list(app.members):
        db.session.delete(m)
    record("round.withdrawn", app, actor=parent, at=now, before={"status": AppStatus.SUBMITTED},
           after={"status": AppStatus.WITHDRAWN, "children": children_ids})
    db.session.commit()
    return app


def evidence_centre(app: Application):
    """The centre that checks a claim: the one of the family's first choice."""
    return db.session.get(Slot, app.choices[0].slot_id).centre


def may_check(user, app: Application) -> bool:
    centre = evidence_centre(app)
    if user.role == "regulator":
        return holds_centre(user, centre)
    return can(user, "round.evidence", centre)


@command
def check_evidence(application_id: int, actor, accepted: bool, now=None) -> Application:
    """The first-choice centre's director or the regulator accepts or rejects a claimed tier,
    before the window closes. A rejected claim falls back to the tier the records prove.
    :raises Forbidden, NotFound, RoundClosed, Conflict (nothing claimed)."""
    now = now or clock_now()
    if not allowed(actor, "round.evidence"):
        raise Forbidden()
    app = db.session.get(Application, application_id)
    if app is None or app.status == AppStatus.WITHDRAWN or not may_check(actor, app):
        raise NotFound()
    rnd = lock_round(app.round_id)
    db.session.refresh(app)
    if not window_open(rnd, now):
        raise RoundClosed()
    if app.claimed_tier is None:
        raise Conflict(_("该申请没有申报需要核验的优先类别"))
    before = {"tier": app.tier, "priority": app.priority, "evidence_status": app.evidence_status}
    app.evidence_status = "accepted" if accepted else "rejected"
    app.evidence_checked_by = actor.id
    tiers = {app.derived_tier} | ({app.claimed_tier} if accepted else set())
    app.priority, app.tier = priority_of(rnd, tiers)
    app.updated_at = now
    record("round.evidence_checked", app, actor=actor, at=now, before=before,
           after={"tier": app.tier, "priority": app.priority,
                  "evidence_status": app.evidence_status})
    if not accepted:
        kids = db.session.scalars(select(Child.name).join(
            ApplicationChild, ApplicationChild.child_id == Child.id).where(
            ApplicationChild.application_id == app.id).order_by(Child.id)).all()
        notify(app.parent_id, "priority_rejected", at=now, application_id=app.id,
               round_id=app.round_id, centre=evidence_centre(app).name, child="、".join(kids))
    db.session.commit()
    return app


def applications_of(parent, round_id: int | None = None) -> list[Application]:
    """The parent's applications (newest first), in one round or all."""
    stmt = select(Application).where(Application.parent_id == parent.id)
    if round_id is not None:
        stmt = stmt.where(Application.round_id == round_id)
    return db.session.scalars(stmt.order_by(Application.id.desc())).all()


def visible_application(application_id: int, user) -> Application:
    """An application its parent, the regulators managing its round and admins may read."""
    app = db.session.get(Application, application_id)
    if app is None:
        raise NotFound()
    if user.role == "parent" and app.parent_id == user.id:
        return app
    if user.role in ("regulator", "admin") and manages(user, app.round):
        return app
    raise NotFound()


def shown_status(app: Application, now) -> str:
    """The application's status as it is now: an offer whose holds lapsed reads `lapsed` (no
    job needed), one whose holds ended otherwise — the family took a higher choice offered
    later, or a newer offer replaced it — reads `replaced`."""
    if app.status != AppStatus.OFFERED:
        return app.status
    ids = [m.reservation_id for m in app.members if m.reservation_id]
    holds = db.session.scalars(select(Reservation).where(Reservation.id.in_(ids))).all()
    if holds and all(h.status == "held" and h.expires_at > now for h in holds):
        return app.status
    if any(h.status == "expired" or (h.status == "held" and h.expires_at <= now)
           for h in holds):
        return "lapsed"
    return "replaced"
