"""One page of a list, for every list that is read a page at a time (the API's lists, the
public search pages)."""
from sqlalchemy import func, select

from ..extensions import db


def paginate(stmt, page: int, per_page: int) -> tuple[list, int]:
    """Page `page` (from 1) of `stmt`, `per_page` rows, and how many rows `stmt` has in all.

    `stmt` comes ordered (the order is what makes pages stable; the count ignores it). A
    statement of one entity or column gives its values; of several, rows (tuples).
    """
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    rows = result.scalars().all() if len(result.keys()) == 1 else result.all()
    return rows, total


def page_of(items: list, total: int, query) -> dict:
    """The API's page body (api.schemas.Page): the items, with the total and the page asked
    for (`query`, a PageQuery)."""
    return {"items": items, "total": total, "page": query.page, "per_page": query.per_page}
