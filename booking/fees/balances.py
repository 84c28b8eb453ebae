"""Reading a centre's money: what each family holds in advance and which refunds are owed or
paid. Reads only; the commands that change the ledger are in services.py."""
from sqlalchemy import select

from ..centres.models import Centre
from ..extensions import db
from ..clock import now as clock_now
from ..reservations.models import Reservation, in_care_at
from ..slots.models import Slot
from .models import LedgerAccount, LedgerEntry
from .services import balance_fen, monthly_fees_fen, prepaid_limit_fen, refund_owed_fen


def refunds_at(centre_id: int) -> list[dict]:
    """Every refund due at the centre, with its payment if made, newest first."""
    dues = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.centre_id == centre_id, LedgerEntry.kind == "refund_due")
        .order_by(LedgerEntry.id.desc())).all()
    paid = {e.settles_id: e for e in db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.settles_id.in_([d.id for d in dues])))} if dues else {}
    return [{"due": d, "paid": paid.get(d.id)} for d in dues]


def refund_summary(centre_id: int) -> dict[int, dict]:
    """Per family: refund due in total and still unpaid (the closure report)."""
    out: dict[int, dict] = {}
    for row in refunds_at(centre_id):
        s = out.setdefault(row["due"].parent_id, {"due_fen": 0, "unpaid_fen": 0,
                                                  "parent": row["due"].parent})
        s["due_fen"] += row["due"].amount_fen
        if row["paid"] is None:
            s["unpaid_fen"] += row["due"].amount_fen
    return out


def family_balances(centre: Centre) -> list[dict]:
    """Each family with an account or a reservation at the centre: balance, refund owed,
    monthly fees and prepaid limit."""
    from ..auth.models import User
    ids = set(db.session.scalars(select(LedgerAccount.parent_id).where(
        LedgerAccount.centre_id == centre.id)))
    ids |= set(db.session.scalars(select(Reservation.parent_id).join(Slot).where(
        Slot.centre_id == centre.id, in_care_at(clock_now()))))
    rows = []
    for user in db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name, User.id)):
        rows.append({"parent": user, "balance_fen": balance_fen(centre.id, user.id),
                     "owed_fen": refund_owed_fen(centre.id, user.id),
                     "monthly_fen": monthly_fees_fen(centre.id, user.id),
                     "limit_fen": prepaid_limit_fen(centre, user.id)})
    return rows


def of_family(parent_id: int) -> list[dict]:
    """The family's prepaid balance at each centre it has an account with (negative: fees
    charged and not yet paid), for the parent's home; the month's statement has the detail."""
    centres = db.session.execute(select(Centre.id, Centre.name).where(Centre.id.in_(
        select(LedgerEntry.centre_id).where(LedgerEntry.parent_id == parent_id)))
        .order_by(Centre.id)).all()
    return [{"centre_id": cid, "centre": name, "balance_fen": balance_fen(cid, parent_id)}
            for cid, name in centres]
