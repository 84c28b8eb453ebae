"""Whether each slot is open to each of a family's children, worked out before anything is
submitted (docs/domain.md, "One child, one place"): the rules `place_hold` applies, read
without locks, so the centre page and the API can say on every slot why it is not open.

Reads only. A verdict may be stale a moment later; `place_hold` decides under its locks.
The order of the checks is the order `place_hold` refuses in: the centre takes bookings, the
child (and each of its multiples) is not here already nor outside the age band, has no live
place elsewhere (or one a transfer may replace), and then there must be a free place for the
whole unit with nobody waiting for it.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..centres.bands import AGE_BANDS, PLACE_BAND_REFUSAL, age_in_months, band_fits
from ..children.models import Child
from ..children.services import multiples_of
from ..clock import now as clock_now
from ..extensions import db
from ..reservations.models import Reservation, Status
from ..slots.models import Slot
from ..slots.queries import availability_map, taking_bookings
from ..allocation.gate import in_rounds
from ..waitlists.models import WaitlistEntry
from .placement import already_placed, live_places, standing

# What the family can do with the slot for this child.
HOLD, TRANSFER, WAITLIST, ROUND = "hold", "transfer", "waitlist", "round"
# Why it is not open (or, for a transfer, the waitlist or a round, why that is the way in).
REASONS = ("not-taking-bookings", "in-round", "here-already", "waiting-here", "age-band",
           "placed-elsewhere", "full")


@dataclass
class Verdict:
    slot_id: int
    child_id: int
    action: str | None              # HOLD, TRANSFER, WAITLIST, or None: nothing to do here
    reason: str | None = None       # one of REASONS; None when a plain hold is open
    message: str | None = None      # the reason in words, naming the child (and the centre)
    transfer_possible: bool = False
    placed: Reservation | None = None   # the child's live place elsewhere, if any
    together: list[Child] = field(default_factory=list)  # multiples held with it
    note: str | None = None         # said even when open: the multiples go together
    round_id: int | None = None     # ROUND: the allocation round giving out the slot

    @property
    def open(self) -> bool:
        """The child can hold a place here now, directly or as a transfer."""
        return self.action in (HOLD, TRANSFER)


def eligibility(slots: list[Slot], children: list[Child], guardian_id: int,
                now: datetime | None = None) -> dict[tuple[int, int], Verdict]:
    """{(slot_id, child_id): Verdict} for every slot and child. `children` are the guardian's
    (the caller checked); their multiples are found under the same guardian."""
    now = now or clock_now()
    if not slots or not children:
        return {}
    units = _units(children, guardian_id)
    everyone = {m.id: m for unit in units.values() for m in unit}
    slot_ids = [s.id for s in slots]
    places = live_places(list(everyone), now)
    avail = availability_map(slot_ids, now)
    queue = dict(db.session.execute(
        select(WaitlistEntry.slot_id, func.count(WaitlistEntry.id))
        .where(WaitlistEntry.slot_id.in_(slot_ids), WaitlistEntry.status == "waiting")
        .group_by(WaitlistEntry.slot_id)).all())
    waits = set(db.session.execute(
        select(WaitlistEntry.slot_id, WaitlistEntry.child_id)
        .where(WaitlistEntry.slot_id.in_(slot_ids), WaitlistEntry.child_id.in_(list(everyone)),
               WaitlistEntry.status.in_(("waiting", "offered")))).all())
    rounds = in_rounds(slot_ids)
    out = {}
    for slot in slots:
        bookable = taking_bookings(slot.centre)
        for child in children:
            if bookable and slot.id in rounds:
                out[(slot.id, child.id)] = Verdict(
                    slot.id, child.id, ROUND, reason="in-round", round_id=rounds[slot.id],
                    message=_("该托位正在统一派位：请在派位轮次中填报志愿"),
                    together=units[child.id][1:])
                continue
            out[(slot.id, child.id)] = _verdict(
                slot, child, units[child.id], bookable, places, avail.get(slot.id, 0),
                queue.get(slot.id, 0), waits)
    return out


def _units(children: list[Child], guardian_id: int) -> dict[int, list[Child]]:
    """Each child's unit, the child first: it and its multiples (one query per birth key)."""
    by_key: dict[str, list[Child]] = {}
    out = {}
    for child in children:
        if not child.multiple_birth_key:
            out[child.id] = [child]
            continue
        if child.multiple_birth_key not in by_key:
            by_key[child.multiple_birth_key] = multiples_of(child, guardian_id)
        unit = by_key[child.multiple_birth_key]
        out[child.id] = [child] + [m for m in unit if m.id != child.id]
    return out


def _verdict(slot, child, unit, bookable, places, avail, waiting, waits) -> Verdict:
    v = Verdict(slot.id, child.id, None, together=unit[1:])
    if v.together:
        # The same words for each of them, so a page lists the unit once.
        first, *others = sorted(unit, key=lambda m: m.id)
        v.note = _("%(name)s 与 %(others)s 是双（多）胞胎：一起预约，托位全部保留或都不保留",
                   name=first.name, others="、".join(m.name for m in others))
    if not bookable:
        v.reason, v.message = "not-taking-bookings", _("该机构目前不接受预约")
        return v
    for member in unit:
        refusal = _here_or_band(slot, member, places[member.id], waits)
        if refusal:
            v.reason, v.message = refusal[0], _for_unit(member, child, refusal[1])
            return v
    elsewhere = {}
    for member in unit:
        mine = [r for r in places[member.id] if r.slot_id != slot.id]
        if mine:
            err = already_placed(member, standing(mine)[0], pending=len(mine) > 1)
            elsewhere[member.id] = (standing(mine)[0], err)
    action = HOLD
    if elsewhere:
        first = next(m for m in unit if m.id in elsewhere)
        v.placed, err = elsewhere[first.id]
        v.reason, v.message = "placed-elsewhere", _for_unit(first, child, err.message)
        v.transfer_possible = (len(elsewhere) == len(unit) and all(
            e.extra["transfer_possible"] for _r, e in elsewhere.values()))
        if not v.transfer_possible:
            if len(elsewhere) < len(unit) and err.extra["transfer_possible"]:
                v.message = _("双（多）胞胎一起预约：%(name)s 在 %(centre)s 在读，其余孩子没有托位，"
                              "无法一起转托。请联系机构", name=first.name,
                              centre=v.placed.slot.centre.name)
            return v
        action = TRANSFER
    if waiting or avail < len(unit):
        v.action, v.reason = WAITLIST, "full"
        if avail >= len(unit):
            v.message = _("有家庭在候补这个托位，空出的托位先给他们：可以加入候补")
        elif avail > 0:
            v.message = _("只剩 %(n)s 个托位，%(names)s 要一起预约 %(k)s 个：可以加入候补",
                          n=avail, names="、".join(m.name for m in sorted(unit, key=lambda m: m.id)),
                          k=len(unit))
        else:
            v.message = _("已满，可以加入候补")
        return v
    v.action = action
    return v


def _here_or_band(slot, member, live, waits) -> tuple[str, str] | None:
    here = next((r for r in live if r.slot_id == slot.id), None)
    if here is not None:
        if here.status == Status.ENROLLED:
            return "here-already", _("%(name)s 正在这个托位在读", name=member.name)
        return "here-already", _("%(name)s 已保留了这个托位", name=member.name)
    if (slot.id, member.id) in waits:
        return "waiting-here", _("%(name)s 已在这个托位的候补名单上", name=member.name)
    months = age_in_months(member.birth_date, slot.starts_on)
    if not band_fits(slot.age_band, months):
        band = AGE_BANDS[slot.age_band]
        return "age-band", str(PLACE_BAND_REFUSAL) % {
            "name": member.name, "date": slot.starts_on.isoformat(), "m": months,
            "lo": band.min_months, "hi": band.max_months}
    return None


def _for_unit(member, child, message: str) -> str:
    """A twin's reason is the whole unit's: say so."""
    if member.id == child.id:
        return message
    return _("双（多）胞胎须一起预约：%(reason)s", reason=message)
