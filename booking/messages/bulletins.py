"""Bulletins (通知): the director writes to the families of the whole centre or of one class;
every guardian of a child in care there receives it, in their messages and as a notice, and
the director sees how many have read it (docs/messages.md, "Bulletins")."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, insert, select, update

from ..audit.services import notify_many, record
from ..auth.models import User
from ..auth.permissions import can
from ..centres.models import Centre, Group
from ..children.models import Child, Guardianship
from ..clock import now as clock_now
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..reservations.models import Reservation, in_care_at
from ..slots.models import Slot
from ..transactions import command
from .models import BULLETIN_BODY, BULLETIN_TITLE, Bulletin, BulletinRecipient

SEND, READ = "bulletin.send", "bulletin.read"


def recipients(centre_id: int, group_id: int | None, now) -> list[int]:
    """Active guardians of the children in care at the centre (in the class, when one is
    named) at `now`; a hold is not yet care, so a family still waiting to start is not told."""
    stmt = (select(User.id).join(Guardianship, Guardianship.user_id == User.id)
            .join(Child, Child.id == Guardianship.child_id)
            .join(Reservation, Reservation.child_id == Child.id).join(Slot)
            .where(Slot.centre_id == centre_id, in_care_at(now), User.active.is_(True),
                   Child.anonymised_at.is_(None)))
    if group_id is not None:
        stmt = stmt.where(Slot.group_id == group_id)
    return sorted(set(db.session.scalars(stmt)))


def _check(centre_id, title, body, group_id) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("请填写标题")]
    elif len(title) > BULLETIN_TITLE:
        errors["title"] = [_("标题最多 %(n)s 个字", n=BULLETIN_TITLE)]
    if not body:
        errors["body"] = [_("请填写通知内容")]
    elif len(body) > BULLETIN_BODY:
        errors["body"] = [_("通知内容最多 %(n)s 个字（现有 %(m)s 个）", n=BULLETIN_BODY, m=len(body))]
    for name, text in (("title", title), ("body", body)):
        if "\x00" in text:
            errors[name] = [_("不能包含空字符 (U+0000)")]
    if group_id is not None:
        group = db.session.get(Group, group_id)
        if group is None or group.centre_id != centre_id:
            errors["group_id"] = [_("请选择本机构的班级")]
    if errors:
        raise ValidationFailed(errors=errors)
    return title, body


@command
def send(centre_id: int, director, *, title: str, body: str, group_id: int | None = None,
         now=None) -> Bulletin:
    """Send a bulletin to the guardians of every child in care at the centre, or in one of
    its classes. The recipients are fixed when it is sent.

    :raises NotFound: not the centre's director. :raises ValidationFailed: empty or too long
        title or text, a class of another centre (field `group_id`), or nobody to send to.
    """
    now = now or clock_now()
    centre = db.session.get(Centre, centre_id)
    if centre is None or not can(director, SEND, centre_id):
        raise NotFound()
    title, body = _check(centre_id, title, body, group_id)
    to = recipients(centre_id, group_id, now)
    if not to:
        raise ValidationFailed(errors={"group_id": [_("这里目前没有在读孩子的家长，通知无人可收")]})
    bulletin = Bulletin(centre_id=centre_id, group_id=group_id, author_id=director.id,
                        title=title, body=body, sent_at=now)
    db.session.add(bulletin)
    db.session.flush()
    db.session.execute(insert(BulletinRecipient), [
        {"bulletin_id": bulletin.id, "user_id": u} for u in to])
    notify_many([{"user_id": u, "kind": "bulletin",
                  "params": {"bulletin_id": bulletin.id, "centre": centre.name, "title": title}}
                 for u in to], at=now)
    record("bulletin.sent", bulletin, actor=director, centre_id=centre_id, at=now,
           after={"group_id": group_id, "recipients": len(to)})
    db.session.commit()
    return bulletin


@dataclass
class BulletinView:
    bulletin: Bulletin
    read_at: object = None          # the guardian's own read (guardians)
    recipients: int | None = None   # how many it went to (the director)
    read: int | None = None         # how many have read it (the director)


def _counts(ids) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    rows = db.session.execute(select(
        BulletinRecipient.bulletin_id, func.count(BulletinRecipient.id),
        func.sum(case((BulletinRecipient.read_at.is_not(None), 1), else_=0)))
        .where(BulletinRecipient.bulletin_id.in_(list(ids)))
        .group_by(BulletinRecipient.bulletin_id)).all()
    return {b: (n, int(r or 0)) for b, n, r in rows}


def of_centre(centre_id: int, *, limit=None, offset=0) -> tuple[list[BulletinView], int]:
    """A centre's bulletins, newest first, with how many received and read each; and the total."""
    stmt = select(Bulletin).where(Bulletin.centre_id == centre_id) \
        .order_by(Bulletin.sent_at.desc(), Bulletin.id.desc())
    total = db.session.scalar(select(func.count(Bulletin.id))
                              .where(Bulletin.centre_id == centre_id))
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    found = db.session.scalars(stmt).all()
    counts = _counts([b.id for b in found])
    return [BulletinView(b, None, *counts.get(b.id, (0, 0))) for b in found], total


def for_guardian(user, *, limit=None, offset=0) -> tuple[list[BulletinView], int]:
    """The bulletins a guardian received, newest first, with when they read each; the total."""
    base = select(Bulletin, BulletinRecipient.read_at).join(
        BulletinRecipient, BulletinRecipient.bulletin_id == Bulletin.id).where(
        BulletinRecipient.user_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    stmt = base.order_by(Bulletin.sent_at.desc(), Bulletin.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return [BulletinView(b, read_at) for b, read_at in db.session.execute(stmt).all()], total


def recipient_count(bulletin_id: int) -> int:
    return db.session.scalar(select(func.count(BulletinRecipient.id)).where(
        BulletinRecipient.bulletin_id == bulletin_id))


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(BulletinRecipient.id)).where(
        BulletinRecipient.user_id == user.id, BulletinRecipient.read_at.is_(None)))


@command
def open_bulletin(bulletin_id: int, user, now=None) -> BulletinView:
    """A bulletin for one who received it (now read) or the director of its centre (with its
    counts). Reading changes no record of the domain, so no audit event.

    :raises NotFound: anyone else.
    """
    now = now or clock_now()
    bulletin = db.session.get(Bulletin, bulletin_id)
    if bulletin is None:
        raise NotFound()
    if user.role == "parent":
        mine = db.session.scalar(select(BulletinRecipient).where(
            BulletinRecipient.bulletin_id == bulletin_id, BulletinRecipient.user_id == user.id))
        if mine is None:
            raise NotFound()
        if mine.read_at is None:
            db.session.execute(update(BulletinRecipient).where(
                BulletinRecipient.id == mine.id, BulletinRecipient.read_at.is_(None))
                .values(read_at=now).execution_options(synchronize_session=False))
            db.session.commit()
            db.session.refresh(mine)
        return BulletinView(bulletin, mine.read_at)
    if user.role == "staff" and can(user, READ, bulletin.centre_id):
        return BulletinView(bulletin, None, *_counts([bulletin.id]).get(bulletin.id, (0, 0)))
    raise NotFound()
