"""志愿顺序: the family ranks the slots each child waits for (docs/domain.md, "One child, one
place"). A child waits for at most the city's `max_waits` slots at once. Taking a place ends
the waits ranked below it and keeps those above, which come later as transfer offers
(places/offers.end_waits_below).

Only the order of `choice_rank` matters, so ranks may have gaps: a wait that ends (left,
expired, taken, ended by a placement) keeps its number and the others keep theirs. Pages and
the API show a live wait's place among the child's live waits (1..k); a new wait comes last
(1 + the highest live rank); a reordering renumbers 1..k, closing the gaps.

Twins and other multiples are ranked together: the members' waits at one slot (their unit)
share a rank, whichever child the family reorders. The child rows are locked first (the lock
order, docs/design.md "Locking"), so a confirmation's end_waits_below reads a settled order.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.services import record
from ..policy.services import in_force
from ..children import services as children
from ..clock import now as clock_now
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..places.locking import lock_children
from ..transactions import command
from .models import WaitlistEntry

LIVE = ("waiting", "offered")
DEFAULT_MAX_WAITS = 5  # docs/domain.md: *default* 5 when the city set none


def max_waits(slot) -> int:
    """How many slots one child may wait for at once: the slot's city's policy."""
    p = in_force(slot.centre.district.city)
    return DEFAULT_MAX_WAITS if p is None or p.max_waits is None else p.max_waits


def rank_order():
    """The family's order; a wait without a rank (none should be) last, by joining time."""
    return (WaitlistEntry.choice_rank.is_(None), WaitlistEntry.choice_rank,
            WaitlistEntry.joined_at, WaitlistEntry.id)


def rank_key(e: WaitlistEntry):
    """rank_order, for entries already loaded."""
    return (e.choice_rank is None, e.choice_rank or 0, e.joined_at, e.id)


def live_waits(child_ids) -> dict[int, list[WaitlistEntry]]:
    """{child_id: its live waits, most wanted first}, fresh from the database."""
    ids = list(set(child_ids))
    out: dict[int, list[WaitlistEntry]] = {cid: [] for cid in ids}
    if ids:
        for e in db.session.scalars(
                select(WaitlistEntry).where(WaitlistEntry.child_id.in_(ids),
                                            WaitlistEntry.status.in_(LIVE))
                .order_by(*rank_order()).execution_options(populate_existing=True)):
            out[e.child_id].append(e)
    return out


def shown_rank(entry: WaitlistEntry) -> int | None:
    """The entry's place among its child's live waits (志愿 1, 2, ...); None once it ended."""
    if entry.status not in LIVE:
        return None
    ranked = [e.id for e in live_waits([entry.child_id])[entry.child_id]]
    return ranked.index(entry.id) + 1 if entry.id in ranked else None


def check_room(unit, slot) -> None:
    """Refuse a new wait for a unit any of whose children already waits for N slots.

    :raises Conflict: naming N (extra `max_waits`).
    """
    n = max_waits(slot)
    counts = dict(db.session.execute(
        select(WaitlistEntry.child_id, func.count(WaitlistEntry.id))
        .where(WaitlistEntry.child_id.in_([c.id for c in unit]),
               WaitlistEntry.status.in_(LIVE))
        .group_by(WaitlistEntry.child_id)).all())
    for child in unit:
        if counts.get(child.id, 0) >= n:
            raise Conflict(_("%(name)s 已在候补 %(k)s 个托位：每个孩子最多同时候补 %(n)s 个（%(n)s 个志愿）。请先退出一个候补，再加入新的",
                             name=child.name, k=counts[child.id], n=n), extra={"max_waits": n})


def next_rank(unit) -> int:
    """A new wait comes after the unit's live waits: 1 + the highest live rank of any member,
    so twins' waits stay in step."""
    top = db.session.scalar(select(func.max(WaitlistEntry.choice_rank)).where(
        WaitlistEntry.child_id.in_([c.id for c in unit]), WaitlistEntry.status.in_(LIVE)))
    return (top or 0) + 1


def waits_of(child_id: int, parent) -> list[WaitlistEntry]:
    """A child's live waits, most wanted first. :raises NotFound: not the parent's child."""
    child = children.child_for_guardian(parent, child_id)
    return live_waits([child.id])[child.id]


@command
def rerank(child_id: int, parent, entry_ids: list[int], now=None) -> list[WaitlistEntry]:
    """Rank the child's live waits in the order given (most wanted first): ranks 1..k, the
    twins' waits at the same slots in step. Returns the child's live waits in their new order.

    :raises NotFound: not the parent's child.
    :raises ValidationFailed: `entry_ids` is not exactly the child's live waits, each once.
    """
    now = now or clock_now()
    child = children.child_for_guardian(parent, child_id)
    group, waits = _locked(child, parent)
    mine = {e.id: e for e in waits[child.id]}
    if len(entry_ids) != len(set(entry_ids)) or set(entry_ids) != set(mine):
        raise ValidationFailed(errors={"entry_ids": [
            _("请按想要的顺序列出这个孩子的全部候补，每个一次（共 %(n)s 个）", n=len(mine))]})
    _renumber(group, waits, [mine[i].slot_id for i in entry_ids], parent, now)
    db.session.commit()
    return live_waits([child.id])[child.id]


@command
def move(entry_id: int, parent, direction: str, now=None) -> WaitlistEntry:
    """Move one wait up or down one place among its child's live waits (the page's buttons);
    at either end it stays where it is.

    :raises NotFound: not the parent's entry. :raises ValidationFailed: neither up nor down.
    :raises Conflict: the wait has ended.
    """
    now = now or clock_now()
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or not children.is_guardian(parent, entry.child_id):
        raise NotFound()
    if direction not in ("up", "down"):
        raise ValidationFailed(errors={"direction": [_("请选择上移或下移")]})
    group, waits = _locked(entry.child, parent)
    order = [e.slot_id for e in waits[entry.child_id]]
    if entry.slot_id not in order or entry.status not in LIVE:
        raise Conflict(_("该候补已结束"))
    i = order.index(entry.slot_id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        _renumber(group, waits, order, parent, now)
    db.session.commit()
    return entry


def _locked(child, parent):
    """The child with its multiples, and their live waits read after locking their rows."""
    group = children.multiples_of(child, parent.id)
    lock_children([c.id for c in group])
    return group, live_waits([c.id for c in group])


def _renumber(group, waits, slot_order: list[int], actor, now) -> None:
    """Give each slot of `slot_order` its place (1..k) as the rank of every member's wait
    there; a twin's waits at other slots follow, in their order. Audits each change, without
    a centre: a family's ranking of centres is not any one centre's business."""
    others: list[int] = []
    for member in group:
        for e in waits[member.id]:
            if e.slot_id not in slot_order and e.slot_id not in others:
                others.append(e.slot_id)
    best = {sid: min(rank_key(e) for m in group for e in waits[m.id] if e.slot_id == sid)
            for sid in others}
    others.sort(key=best.__getitem__)
    rank_of = {sid: i for i, sid in enumerate(slot_order + others, 1)}
    for member in group:
        for e in waits[member.id]:
            new = rank_of[e.slot_id]
            if e.choice_rank != new:
                record("waitlist.reranked", e, actor=actor, at=now,
                       before={"choice_rank": e.choice_rank}, after={"choice_rank": new})
                e.choice_rank = new
