"""The lottery's public page in plain words (issue 17, part 7): each number with the child's
name masked (张*宝), the reader's own numbers marked, the tiers named. The draw itself and
its proof are lottery.py's."""
from sqlalchemy import select

from ..children.models import Child, Guardianship
from ..extensions import db
from .labels import TIER_LABELS
from .models import LotteryDraw, LotteryParticipant, WaitlistEntry


def mask(name: str | None) -> str:
    """A child's name as the public page shows it: the first and last characters, the rest
    starred (张小宝 → 张*宝, 李明 → 李*, 欧阳小明 → 欧**明); no name → *."""
    name = (name or "").strip()
    if len(name) <= 1:
        return (name or "") + "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def words_for(entry_ids, reader) -> dict:
    """{names: {entry id: masked name}, mine: {entry ids of the reader's children},
    tiers: {priority as text: the tier's name}} for the entries of a draw."""
    ids = sorted(set(entry_ids))
    if not ids:
        return {"names": {}, "mine": set(), "tiers": {}}
    rows = db.session.execute(select(WaitlistEntry.id, WaitlistEntry.priority, WaitlistEntry.tier,
                                     Child.name, WaitlistEntry.child_id)
                              .join(Child, Child.id == WaitlistEntry.child_id)
                              .where(WaitlistEntry.id.in_(ids))).all()
    mine: set[int] = set()
    if reader is not None and getattr(reader, "is_authenticated", False) \
            and reader.role == "parent":
        own = set(db.session.scalars(select(Guardianship.child_id)
                                     .where(Guardianship.user_id == reader.id)))
        mine = {i for i, _p, _t, _n, child_id in rows if child_id in own}
    return {"names": {i: mask(name) for i, _p, _t, name, _c in rows}, "mine": mine,
            "tiers": {str(p): str(TIER_LABELS.get(t, t)) for _i, p, t, _n, _c in rows}}


def draw_of(entry_id: int):
    """The latest draw the entry was frozen into, or None (the family's waits link to it)."""
    return db.session.scalar(select(LotteryDraw).join(
        LotteryParticipant, LotteryParticipant.draw_id == LotteryDraw.id)
        .where(LotteryParticipant.entry_id == entry_id).order_by(LotteryDraw.id.desc()).limit(1))
