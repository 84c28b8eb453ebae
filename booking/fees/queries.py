"""Reading the ledger for the API's lists. The writes and their rules are in services.py;
nothing here changes a row."""
from sqlalchemy import select

from ..api.pagination import paginate
from .models import LedgerEntry


def ledger_entries(centre_id: int, *, parent_id=None, page=1, per_page=20
                   ) -> tuple[list[LedgerEntry], int]:
    """A centre's ledger (one family's, given `parent_id`), newest first. Returns (one page of
    entries, how many in all)."""
    stmt = select(LedgerEntry).where(LedgerEntry.centre_id == centre_id)
    if parent_id:
        stmt = stmt.where(LedgerEntry.parent_id == parent_id)
    return paginate(stmt.order_by(LedgerEntry.id.desc()), page, per_page)
