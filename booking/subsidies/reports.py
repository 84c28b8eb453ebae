"""Subsidies approved, per district and month and per centre, within a regulator's scope
(docs/subsidies.md, Reports): the tables, the chart over time and the downloads.

A claim counts in the month it claims for (`SubsidyClaim.month`), with the amount the
regulator approved (`approved_fen`); only approved claims count. The CSV and XLSX headers are
Chinese whatever the reader's language, as the city's offices file them.
"""
import re
from collections import defaultdict

from markupsafe import Markup, escape
from sqlalchemy import func, select

from ..centres.models import Centre, District
from ..extensions import db
from ..regulator.jurisdiction import district_clause
from .models import SubsidyClaim

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DISTRICT_HEADER = ["城市", "区县", "区县代码", "月份", "核准申报数", "核准金额（元）"]
CENTRE_HEADER = ["城市", "区县", "机构", "机构编号", "核准申报数", "核准金额（元）"]


def valid_month(value) -> str | None:
    return value if isinstance(value, str) and MONTH.match(value) else None


def _approved(user, first: str | None, last: str | None):
    stmt = (select().select_from(SubsidyClaim)
            .join(Centre, Centre.id == SubsidyClaim.centre_id)
            .join(District, District.id == Centre.district_id)
            .where(district_clause(user), SubsidyClaim.status == "approved"))
    if first:
        stmt = stmt.where(SubsidyClaim.month >= first)
    if last:
        stmt = stmt.where(SubsidyClaim.month <= last)
    return stmt


def by_district(user, first=None, last=None) -> list[dict]:
    """One row per district and month with approvals: claims and the fen approved."""
    stmt = _approved(user, first, last).add_columns(
        District.id, District.city, District.name, District.code, SubsidyClaim.month,
        func.count(SubsidyClaim.id), func.sum(SubsidyClaim.approved_fen)).group_by(
        District.id, District.city, District.name, District.code, SubsidyClaim.month).order_by(
        SubsidyClaim.month, District.city, District.code)
    return [{"district_id": did, "city": city, "district": name, "code": code, "month": month,
             "claims": int(n), "approved_fen": int(total or 0)}
            for did, city, name, code, month, n, total in db.session.execute(stmt)]


def by_centre(user, first=None, last=None) -> list[dict]:
    """One row per centre with approvals in the months: claims and the fen approved."""
    stmt = _approved(user, first, last).add_columns(
        Centre.id, Centre.name, District.city, District.name,
        func.count(SubsidyClaim.id), func.sum(SubsidyClaim.approved_fen)).group_by(
        Centre.id, Centre.name, District.city, District.name).order_by(
        District.city, District.name, Centre.name, Centre.id)
    return [{"centre_id": cid, "centre": name, "city": city, "district": dname,
             "claims": int(n), "approved_fen": int(total or 0)}
            for cid, name, city, dname, n, total in db.session.execute(stmt)]


def per_month(rows: list[dict]) -> list[tuple[str, int]]:
    """[(month, fen)] summed over the districts, months in order."""
    totals = defaultdict(int)
    for r in rows:
        totals[r["month"]] += r["approved_fen"]
    return sorted(totals.items())


def _yuan(fen: int):
    return fen // 100 if fen % 100 == 0 else round(fen / 100, 2)


def table(group: str, rows: list[dict]) -> list[list]:
    """Rows for a download, the Chinese header first; money in yuan."""
    if group == "centre":
        return [CENTRE_HEADER] + [[r["city"], r["district"], r["centre"], r["centre_id"],
                                   r["claims"], _yuan(r["approved_fen"])] for r in rows]
    return [DISTRICT_HEADER] + [[r["city"], r["district"], r["code"], r["month"], r["claims"],
                                 _yuan(r["approved_fen"])] for r in rows]


def svg_chart(points: list[tuple[str, int]], title: str, empty: str) -> Markup:
    """A bar chart as plain SVG (no script): one row per month, its bar as long as the yuan
    approved, the amount written after it. Rows, not columns: twelve months across a 360 px
    phone would shrink every label below reading size, while rows keep their text at 14 of a
    320-wide box whatever the count. Each bar carries a <title>, so a screen reader and a
    printout read the same."""
    width, label_w, value_w, row, pad = 320, 68, 80, 28, 6
    bar_max = width - label_w - value_w
    height = pad * 2 + row * max(len(points), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="subsidy-chart-title" class="chart" '
             f'preserveAspectRatio="xMinYMin meet" width="100%">',
             f'<title id="subsidy-chart-title">{escape(title)}</title>']
    if not points:
        parts.append(f'<text x="{width // 2}" y="{height // 2 + 5}" text-anchor="middle" '
                     f'font-size="14">{escape(empty)}</text></svg>')
        return Markup("".join(parts))
    peak = max(fen for _m, fen in points) or 1
    parts.append(f'<line x1="{label_w}" y1="{pad}" x2="{label_w}" y2="{height - pad}" '
                 f'stroke="currentColor"/>')
    for i, (month, fen) in enumerate(points):
        y = pad + row * i
        w = bar_max * fen / peak
        label = f"{month}: ¥{fen / 100:,.2f}"
        parts.append(f'<g><title>{escape(label)}</title>'
                     f'<text x="{label_w - 6}" y="{y + row / 2 + 5:.1f}" text-anchor="end" '
                     f'font-size="14" fill="currentColor">{escape(month)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
                     f'fill="#2b6cb0"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + row / 2 + 5:.1f}" font-size="14" '
                     f'fill="currentColor">¥{fen / 100:,.0f}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def prepaid_liability(centre_id: int) -> dict:
    """What the centre would owe families if it closed today, from the fee ledger: each
    family's positive prepaid balance (fees/services.balance_fen, the ledger's one rule) and
    the refunds already due and not yet paid back (refund_owed_fen), summed."""
    from ..fees.models import LedgerEntry
    from ..fees.services import balance_fen, refund_owed_fen
    parents = db.session.scalars(select(LedgerEntry.parent_id).where(
        LedgerEntry.centre_id == centre_id).distinct().order_by(LedgerEntry.parent_id)).all()
    prepaid = owed = families = 0
    for parent_id in parents:
        balance = max(balance_fen(centre_id, parent_id), 0)
        refund = refund_owed_fen(centre_id, parent_id)
        prepaid, owed = prepaid + balance, owed + refund
        families += 1 if balance or refund else 0
    return {"centre_id": centre_id, "prepaid_fen": prepaid, "refunds_owed_fen": owed,
            "total_fen": prepaid + owed, "families": families}
