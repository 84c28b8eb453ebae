"""Setting up a round (docs/allocation.md): the regulator picks public and affordable slots of
one intake, the window, the number of choices and the tiers that count; opening commits to a
secret seed by publishing its SHA-256.

Scope: a regulator manages a round only when its jurisdiction holds every slot's centre;
outside it the round is answered as missing (404), as every record is (docs/permissions.md).
"""
import hashlib
import json
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import lazyload

from ..audit.services import record
from ..auth.permissions import allowed
from ..centres.models import Centre, District
from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..places.locking import lock_slots
from ..regulator.jurisdiction import district_clause
from ..slots.models import Slot
from ..slots.queries import taking_bookings
from ..transactions import command
from ..waitlists.models import DEFAULT_TIERS
from .models import Application, AppStatus, Round, RoundSlot, RoundStatus

ROUND_CATEGORIES = ("public", "affordable")
ACTIVE = (RoundStatus.OPEN, RoundStatus.CLOSED)  # slots then are given out by the round only


def tiers_of(rnd: Round) -> list[str]:
    """The round's tiers, highest first, `everyone` last; priority = position + 1."""
    return json.loads(rnd.tiers)


def priority_of(rnd: Round, tiers: set[str]) -> tuple[int, str]:
    """(priority, tier code): the best of `tiers` the round counts."""
    order = tiers_of(rnd)
    for rank, code in enumerate(order, 1):
        if code in tiers:
            return rank, code
    return len(order), "everyone"


def status_at(rnd: Round, now) -> str:
    """What the round is at `now`: an open round whose window has passed is closed, whether
    or not anybody (or any job) closed it."""
    if rnd.status == RoundStatus.OPEN and now >= rnd.closes_at:
        return RoundStatus.CLOSED
    return rnd.status


def window_open(rnd: Round, now) -> bool:
    return rnd.status == RoundStatus.OPEN and rnd.opens_at <= now < rnd.closes_at


def slot_ids_of(rnd: Round) -> list[int]:
    return [rs.slot_id for rs in rnd.slots]


def _outside_scope(user, slot_ids) -> int:
    """How many of the slots lie outside the user's jurisdiction (or do not exist)."""
    inside = db.session.scalar(
        select(func.count(Slot.id)).join(Centre, Centre.id == Slot.centre_id)
        .join(District, District.id == Centre.district_id)
        .where(Slot.id.in_(slot_ids), district_clause(user))) or 0
    return len(set(slot_ids)) - inside


def _round_outside_scope(user, rnd: Round) -> int:
    """How many of the round's slots lie outside the user's jurisdiction: one query over the
    round's slots, neither loading them nor binding a list of every id (a city's round holds
    10,000 slots)."""
    inside = (select(Slot.id).join(Centre, Centre.id == Slot.centre_id)
              .join(District, District.id == Centre.district_id)
              .where(Slot.id == RoundSlot.slot_id, district_clause(user)))
    return db.session.scalar(select(func.count()).select_from(RoundSlot).where(
        RoundSlot.round_id == rnd.id, ~inside.exists())) or 0


def manages(user, rnd: Round) -> bool:
    """May `user` manage this round: a regulator whose jurisdiction holds all its slots, or an
    admin."""
    return (user is not None and getattr(user, "is_authenticated", False)
            and allowed(user, "round.manage") and _round_outside_scope(user, rnd) == 0)


def visible_round(round_id: int, user) -> Round:
    """A round anyone may read once open; a draft only those who manage it."""
    rnd = db.session.get(Round, round_id, options=[lazyload(Round.slots)])  # loaded if read
    if rnd is None or (rnd.status == RoundStatus.DRAFT and not manages(user, rnd)):
        raise NotFound()
    return rnd


def lock_round(round_id: int) -> Round:
    """Write the round's row (its lock: first in the lock order, docs/design.md) and return it
    fresh. :raises NotFound."""
    done = db.session.execute(update(Round).where(Round.id == round_id)
                              .values(version=Round.version + 1)
                              .execution_options(synchronize_session=False))
    if done.rowcount == 0:
        raise NotFound()
    # Its slots are loaded when read (a city's round has 10,000; the draw reads only ids).
    return db.session.scalars(select(Round).where(Round.id == round_id)
                              .options(lazyload(Round.slots))
                              .execution_options(populate_existing=True)).one()


def managed_round(round_id: int, user) -> Round:
    """The round locked, for one who manages it. :raises Forbidden, NotFound."""
    if not allowed(user, "round.manage"):
        raise Forbidden()
    rnd = lock_round(round_id)
    if not manages(user, rnd):
        raise NotFound()
    return rnd


def active_round_of(slot_id: int) -> Round | None:
    """The open or closed (not yet drawn) round giving out this slot's places, if any."""
    return db.session.scalar(select(Round).join(RoundSlot, RoundSlot.round_id == Round.id)
                             .where(RoundSlot.slot_id == slot_id, Round.status.in_(ACTIVE))
                             .limit(1))


def _busy_slots(slot_ids, except_round: int | None = None) -> list[int]:
    stmt = (select(RoundSlot.slot_id).join(Round, Round.id == RoundSlot.round_id)
            .where(RoundSlot.slot_id.in_(slot_ids), Round.status.in_(ACTIVE)))
    if except_round is not None:
        stmt = stmt.where(Round.id != except_round)
    return sorted(set(db.session.scalars(stmt)))


def _check(actor, *, name, slot_ids, opens_at, closes_at, max_choices, tiers, offer_days):
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("请填写轮次名称")]
    elif len(name.strip()) > 120:
        errors["name"] = [_("名称最多 120 个字")]
    if not slot_ids:
        errors["slot_ids"] = [_("请至少选择一个托位")]
    elif len(set(slot_ids)) != len(slot_ids):
        errors["slot_ids"] = [_("托位重复")]
    else:
        slots = db.session.scalars(select(Slot).where(Slot.id.in_(slot_ids))).all()
        if len(slots) != len(slot_ids) or _outside_scope(actor, slot_ids):
            errors["slot_ids"] = [_("有托位不存在或不在您的辖区内")]
        elif any(s.category not in ROUND_CATEGORIES for s in slots):
            errors["slot_ids"] = [_("统一派位只分配公办和普惠托位")]
        elif not all(taking_bookings(s.centre) for s in slots):
            errors["slot_ids"] = [_("有托位所在机构未备案或暂停服务")]
        elif len({s.starts_on for s in slots}) > 1:
            errors["slot_ids"] = [_("一个轮次只分配同一入托日期（同一批次）的托位")]
    if opens_at is None or closes_at is None:
        errors["closes_at"] = [_("请填写申请开始和截止时间")]
    elif closes_at <= opens_at:
        errors["closes_at"] = [_("截止时间必须晚于开始时间")]
    if not isinstance(max_choices, int) or not 1 <= max_choices <= 10:
        errors["max_choices"] = [_("志愿数应在 1 到 10 之间")]
    if tiers is not None and (len(set(tiers)) != len(tiers)
                              or any(t not in DEFAULT_TIERS for t in tiers)):
        errors["tiers"] = [_("优先级顺序无效")]
    if not isinstance(offer_days, int) or not 1 <= offer_days <= 60:
        errors["offer_days"] = [_("答复期限应在 1 到 60 天之间")]
    if errors:
        raise ValidationFailed(errors=errors)


@command
def create_round(actor, *, name: str, slot_ids: list[int], opens_at, closes_at,
                 max_choices: int = 5, tiers: list[str] | None = None, offer_days: int = 7,
                 now=None) -> Round:
    """A draft round. :raises Forbidden, ValidationFailed, Conflict (a slot already in a round
    being given out)."""
    now = now or clock_now()
    if not allowed(actor, "round.manage"):
        raise Forbidden()
    _check(actor, name=name, slot_ids=slot_ids, opens_at=opens_at, closes_at=closes_at,
           max_choices=max_choices, tiers=tiers, offer_days=offer_days)
    busy = _busy_slots(slot_ids)
    if busy:
        raise Conflict(_("托位 %(ids)s 已在另一个进行中的派位轮次里",
                         ids=", ".join(str(i) for i in busy)))
    codes = [t for t in (tiers if tiers is not None else DEFAULT_TIERS) if t != "everyone"]
    rnd = Round(name=name.strip(), status=RoundStatus.DRAFT, created_by=actor.id,
                opens_at=opens_at, closes_at=closes_at, max_choices=max_choices,
                tiers=json.dumps(codes + ["everyone"]), offer_days=offer_days, created_at=now)
    db.session.add(rnd)
    db.session.flush()
    db.session.add_all(RoundSlot(round_id=rnd.id, slot_id=sid) for sid in sorted(slot_ids))
    record("round.created", rnd, actor=actor, at=now,
           after={"name": rnd.name, "slot_ids": sorted(slot_ids), "opens_at": opens_at,
                  "closes_at": closes_at, "max_choices": max_choices, "tiers": tiers_of(rnd),
                  "offer_days": offer_days})
    db.session.commit()
    return rnd


@command
def open_round(round_id: int, actor, now=None) -> Round:
    """Open a draft: commit to a fresh secret seed by publishing its SHA-256, and from now on
    the slots are given out by the round only. :raises Forbidden, NotFound, Conflict."""
    now = now or clock_now()
    rnd = managed_round(round_id, actor)
    if rnd.status != RoundStatus.DRAFT:
        raise Conflict(_("只有草稿状态的轮次可以开放申请"))
    if now >= rnd.closes_at:
        raise Conflict(_("申请截止时间已过，请先修改时间"))
    ids = slot_ids_of(rnd)
    # The slots' locks: a hold being made on one of them either finished before, or sees the
    # round once this commits (reservations.services.place_hold).
    lock_slots(ids)
    busy = _busy_slots(ids, except_round=rnd.id)
    if busy:
        raise Conflict(_("托位 %(ids)s 已在另一个进行中的派位轮次里",
                         ids=", ".join(str(i) for i in busy)))
    rnd.seed = secrets.token_hex(32)
    rnd.seed_sha256 = hashlib.sha256(rnd.seed.encode()).hexdigest()
    rnd.status, rnd.opened_at = RoundStatus.OPEN, now
    record("round.opened", rnd, actor=actor, at=now, before={"status": RoundStatus.DRAFT},
           after={"status": RoundStatus.OPEN, "seed_sha256": rnd.seed_sha256})
    db.session.commit()
    return rnd


@command
def close_round(round_id: int, actor, now=None) -> Round:
    """End the window (early, or after it passed): applications freeze, and claimed tiers not
    checked by now fall back to what the records prove. :raises Forbidden, NotFound, Conflict."""
    now = now or clock_now()
    rnd = managed_round(round_id, actor)
    if rnd.status != RoundStatus.OPEN:
        raise Conflict(_("只有开放中的轮次可以截止"))
    changed = freeze_tiers(rnd, now)
    rnd.status, rnd.closed_at = RoundStatus.CLOSED, min(now, rnd.closes_at)
    record("round.closed", rnd, actor=actor, at=now, before={"status": RoundStatus.OPEN},
           after={"status": RoundStatus.CLOSED, "claims_fallen_back": changed})
    db.session.commit()
    return rnd


def freeze_tiers(rnd: Round, now) -> list[int]:
    """At the close: a claimed tier whose evidence nobody accepted falls back to the tier the
    records prove. Returns the applications changed. Only flushes."""
    apps = db.session.scalars(select(Application).where(
        Application.round_id == rnd.id, Application.status == AppStatus.SUBMITTED,
        Application.claimed_tier.is_not(None),
        Application.evidence_status.is_distinct_from("accepted"))).all()
    changed = []
    for app in apps:
        priority, tier = priority_of(rnd, {app.derived_tier})
        if (priority, tier) != (app.priority, app.tier):
            app.priority, app.tier, app.updated_at = priority, tier, now
            changed.append(app.id)
    return changed


def rounds_for(user, now) -> list[Round]:
    """The rounds a person may list: every round past draft, and the drafts they manage."""
    rounds = db.session.scalars(select(Round).order_by(Round.opens_at.desc(), Round.id.desc())
                                .limit(200)).all()
    return [r for r in rounds if r.status != RoundStatus.DRAFT or manages(user, r)]
