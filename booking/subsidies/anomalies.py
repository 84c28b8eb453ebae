"""What a regulator checks before approving a claim (docs/subsidies.md, Review and anomalies).

Four kinds, each with its evidence:

- absent_month: a child claimed for a month in which it attended no day;
- over_capacity: more children claimed on one slot than the slot has places;
- claimed_twice: a child claimed by another centre for the same month;
- after_closure: a claim for a month that begins after the centre was suspended or closed.

A closure is recorded on the centre's filing: status 'suspended' or 'closed', decided at
`decided_at` (regulator/filing.decide, the same instant every ClosureCase is notified at).
Reads only. The sentence is in the reader's language; names (child, centre) are kept apart
from it so that pages can mark them as user data.
"""
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..centres.models import Centre, District
from ..clock import local_date
from ..extensions import db
from ..regulator.jurisdiction import district_clause
from ..regulator.models import Filing
from ..slots.models import Slot
from .models import SubsidyClaim, SubsidyClaimLine

KINDS = ("absent_month", "over_capacity", "claimed_twice", "after_closure")


@dataclass
class Anomaly:
    kind: str
    message: str
    child_id: int | None = None
    child_name: str | None = None
    slot_id: int | None = None
    other_centre_id: int | None = None
    other_centre_name: str | None = None
    numbers: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _absent(lines) -> list[Anomaly]:
    return [Anomaly("absent_month", _(
        "整月未出勤：在册 %(enrolled)s 天，出勤 0 天（当月开放 %(open)s 天）",
        enrolled=ln.days_enrolled, open=ln.open_days),
        child_id=ln.child_id, child_name=ln.child.name if ln.child else None, slot_id=ln.slot_id,
        numbers={"days_enrolled": ln.days_enrolled, "days_attended": 0,
                 "open_days": ln.open_days, "operating_fen": ln.operating_fen})
        for ln in lines if ln.days_enrolled > 0 and ln.days_attended == 0]


def _over_capacity(lines) -> list[Anomaly]:
    per_slot = defaultdict(int)
    for ln in lines:
        if ln.slot_id is not None:
            per_slot[ln.slot_id] += 1
    if not per_slot:
        return []
    slots = {s.id: s for s in db.session.scalars(select(Slot).where(Slot.id.in_(per_slot)))}
    out = []
    for slot_id, n in sorted(per_slot.items()):
        slot = slots.get(slot_id)
        if slot is not None and n > slot.capacity:
            out.append(Anomaly("over_capacity", _(
                "托位 #%(slot)s 共 %(cap)s 个名额，本月申报 %(n)s 名儿童",
                slot=slot_id, cap=slot.capacity, n=n), slot_id=slot_id,
                numbers={"capacity": slot.capacity, "lines": n}))
    return out


def _claimed_twice(claim, lines) -> list[Anomaly]:
    by_child = {ln.child_id: ln for ln in lines}
    if not by_child:
        return []
    rows = db.session.execute(
        select(SubsidyClaimLine.child_id, SubsidyClaimLine.centre_id, Centre.name,
               SubsidyClaim.status)
        .join(SubsidyClaim, SubsidyClaim.id == SubsidyClaimLine.claim_id)
        .join(Centre, Centre.id == SubsidyClaimLine.centre_id)
        .where(SubsidyClaimLine.month == claim.month, SubsidyClaimLine.child_id.in_(by_child),
               SubsidyClaimLine.centre_id != claim.centre_id)
        .order_by(SubsidyClaimLine.child_id, SubsidyClaimLine.centre_id)).all()
    out = []
    for child_id, centre_id, centre_name, status in rows:
        ln = by_child[child_id]
        out.append(Anomaly("claimed_twice", _(
            "同月被两家机构申报：另一家机构的申报状态为“%(status)s”", status=status_label(status)),
            child_id=child_id, child_name=ln.child.name if ln.child else None,
            slot_id=ln.slot_id, other_centre_id=centre_id, other_centre_name=centre_name,
            numbers={"days_enrolled": ln.days_enrolled, "days_attended": ln.days_attended}))
    return out


def closed_on(centre_id: int) -> date | None:
    """The day (Beijing) the centre was suspended or closed, if it is now."""
    filing = db.session.scalar(select(Filing).where(Filing.centre_id == centre_id))
    if filing is None or filing.status not in ("suspended", "closed") or not filing.decided_at:
        return None
    return local_date(filing.decided_at)


def _after_closure(claim, lines) -> list[Anomaly]:
    day = closed_on(claim.centre_id)
    if day is None or _first_day(claim.month) <= day:
        return []
    return [Anomaly("after_closure", _(
        "机构已于 %(day)s 暂停或注销，本申报为其后月份（%(month)s），含 %(n)s 名儿童",
        day=day.isoformat(), month=claim.month, n=len(lines)),
        numbers={"closed_on": day.isoformat(), "lines": len(lines),
                 "total_fen": claim.total_fen})]


def for_claim(claim: SubsidyClaim) -> list[Anomaly]:
    """Every anomaly of the claim, with its evidence, in the order of KINDS."""
    lines = list(claim.lines)
    return (_absent(lines) + _over_capacity(lines) + _claimed_twice(claim, lines)
            + _after_closure(claim, lines))


def _scoped(user, what):
    return (select(what).select_from(SubsidyClaim)
            .join(Centre, Centre.id == SubsidyClaim.centre_id)
            .join(District, District.id == Centre.district_id)
            .where(district_clause(user), SubsidyClaim.status != "draft"))


def waiting(user) -> int:
    """How many submitted claims in `user`'s jurisdiction await a decision."""
    return db.session.scalar(_scoped(user, func.count(SubsidyClaim.id))
                             .where(SubsidyClaim.status == "submitted")) or 0


def in_scope(user, month: str | None = None, status: str | None = None):
    """[(claim, anomalies)] of the claims (not drafts) in `user`'s jurisdiction, submitted
    first, then newest month first."""
    stmt = _scoped(user, SubsidyClaim)
    if month:
        stmt = stmt.where(SubsidyClaim.month == month)
    if status:
        stmt = stmt.where(SubsidyClaim.status == status)
    claims = db.session.scalars(stmt.order_by(SubsidyClaim.month.desc(), Centre.name,
                                              SubsidyClaim.id)).all()
    claims.sort(key=lambda c: c.status != "submitted")  # stable: submitted first
    return [(c, for_claim(c) if c.status == "submitted" else []) for c in claims]


def status_label(status: str) -> str:
    return str(STATUS_LABELS().get(status, status))


def STATUS_LABELS() -> dict:  # noqa: N802 - read like a table; built per request (language)
    return {"draft": _("草稿"), "submitted": _("已提交"), "approved": _("已核准"),
            "returned": _("已退回"), "rejected": _("不予核准")}


def kind_label(kind: str) -> str:
    return {"absent_month": _("整月缺勤仍申报"), "over_capacity": _("超出托位名额"),
            "claimed_twice": _("同一儿童被两家机构申报"),
            "after_closure": _("关停后仍申报")}.get(kind, kind)
