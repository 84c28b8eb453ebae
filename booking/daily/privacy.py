"""The daily record in a family's export; its photos (entries and files) erased with the account
(docs/privacy.md). The other entries stay, as the centre's care record of a child now
anonymised."""
from sqlalchemy import delete, select

from ..children.holders import Holder, iso, register
from ..extensions import db
from . import photos
from .models import DailyEntry


def export(child_ids, _user) -> list[dict]:
    return [{"child_id": e.child_id, "on_date": iso(e.on_date), "kind": e.kind, "at": iso(e.at),
             "ends_at": iso(e.ends_at), "meal": e.meal, "amount": e.amount, "toilet": e.toilet,
             "mood": e.mood, "note": e.note, "has_photo": e.photo_path is not None}
            for e in db.session.scalars(select(DailyEntry).where(
                DailyEntry.child_id.in_(child_ids)).order_by(DailyEntry.id))]


def erase(child_ids, _user, _now) -> dict:
    names = db.session.scalars(select(DailyEntry.photo_path).where(
        DailyEntry.child_id.in_(child_ids), DailyEntry.photo_path.is_not(None))).all()
    # A photo entry is the photo (and its caption): it goes whole.
    db.session.execute(delete(DailyEntry).where(DailyEntry.child_id.in_(child_ids),
                                                DailyEntry.kind == "photo")
                       .execution_options(synchronize_session="fetch"))
    for name in names:
        photos.discard(name)
    return {"day_photos_erased": len(names)}


register(Holder("daily_record", ("daily_entry",), export, erase))
