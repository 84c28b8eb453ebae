"""The money and ratio columns of the 运营负责人's overview (docs/operators.md): this month's
fees, the latest month's subsidy claims and today's ratio gaps, for all the operator's
centres at once. Each figure is a fixed number of statements whatever the number of
centres (tests/operators/overview_figures)."""
from datetime import date, timedelta

from sqlalchemy import case, func, select

from ..centres.models import Centre
from ..clock import today
from ..extensions import db
from ..fees.models import LedgerEntry
from ..rosters.checks import check_days
from ..subsidies.models import STATUSES, SubsidyClaim


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def fees(centre_ids: list[int], day: date) -> dict[int, dict]:
    """Per centre, the month of `day`: billed (its charges less its credits, as the monthly
    charge job posts them for the month) and collected (payments received in the month)."""
    first, last = month_bounds(day)
    month = first.strftime("%Y-%m")
    amount = LedgerEntry.amount_fen
    rows = db.session.execute(
        select(LedgerEntry.centre_id,
               func.coalesce(func.sum(case(
                   (LedgerEntry.kind == "charge", amount), (LedgerEntry.kind == "credit", -amount),
                   else_=0)).filter(LedgerEntry.month == month), 0),
               func.coalesce(func.sum(amount).filter(
                   LedgerEntry.kind == "payment", LedgerEntry.on_date.between(first, last)), 0))
        .where(LedgerEntry.centre_id.in_(centre_ids or [0]))
        .group_by(LedgerEntry.centre_id)).all()
    got = {cid: {"billed_fen": int(b), "collected_fen": int(c)} for cid, b, c in rows}
    return {cid: got.get(cid, {"billed_fen": 0, "collected_fen": 0}) for cid in centre_ids}


def claim_amount():
    """What a claim is worth in the overview: the approved amount once approved, else the
    amount claimed."""
    return func.coalesce(SubsidyClaim.approved_fen, SubsidyClaim.total_fen)


def claims(centre_ids: list[int]) -> tuple[str | None, dict[int, dict], list[dict]]:
    """The latest month any of the centres has a subsidy claim for (so every centre is read
    for the same period); per centre its claim of that month (status, amount) or none; and
    the claims of that month by status (count, amount), every status listed."""
    month = db.session.scalar(select(func.max(SubsidyClaim.month))
                              .where(SubsidyClaim.centre_id.in_(centre_ids or [0])))
    per_centre: dict[int, dict] = {cid: {"status": None, "amount_fen": 0} for cid in centre_ids}
    totals = {s: {"status": s, "count": 0, "amount_fen": 0} for s in STATUSES}
    if month is None:
        return None, per_centre, list(totals.values())
    for cid, status, fen in db.session.execute(
            select(SubsidyClaim.centre_id, SubsidyClaim.status, claim_amount())
            .where(SubsidyClaim.centre_id.in_(centre_ids), SubsidyClaim.month == month)):
        per_centre[cid] = {"status": status, "amount_fen": int(fen)}
        totals[status]["count"] += 1
        totals[status]["amount_fen"] += int(fen)
    return month, per_centre, list(totals.values())


def ratio_gaps(centres: list[Centre], day: date) -> dict[int, dict]:
    """Per centre, `day`'s ratio check as the roster's 师幼比核查 page computes it
    (rosters/checks.py): the classes short of carers in some hour, the carers missing (each
    short class's worst hour, summed), and the gaps the page counts (runs of short hours and
    a missing health worker or guard). A closed day has none."""
    out = {}
    for cid, check in check_days(centres, day).items():
        short = [c for c in check.classes if c.gaps]
        out[cid] = {"open": check.open, "classes_short": len(short),
                    "carers_missing": sum(max(h.missing for h in c.gaps) for c in short),
                    "ratio_gaps": check.gap_count}
    return out


def for_centres(centres: list[Centre], day: date | None = None) -> dict[int, dict]:
    """Every column for `centres`, by centre id."""
    day = day or today()
    ids = [c.id for c in centres]
    money = fees(ids, day)
    month, claim_rows, _totals = claims(ids)
    gaps = ratio_gaps(centres, day)
    return {cid: {**money[cid], "fees_month": day.strftime("%Y-%m"), "claims_month": month,
                  "claim_status": claim_rows[cid]["status"],
                  "claim_fen": claim_rows[cid]["amount_fen"], **gaps[cid]} for cid in ids}


def summary(rows: list[dict]) -> dict:
    """The operator-wide line under the table, from the rows: fees summed, the claims of the
    claims' month by status (count, amount), the ratio gaps summed."""
    by_status = {s: {"status": s, "count": 0, "amount_fen": 0} for s in STATUSES}
    for r in rows:
        if r["claim_status"]:
            by_status[r["claim_status"]]["count"] += 1
            by_status[r["claim_status"]]["amount_fen"] += r["claim_fen"]
    return {"fees_month": rows[0]["fees_month"] if rows else today().strftime("%Y-%m"),
            "claims_month": rows[0]["claims_month"] if rows else None,
            "billed_fen": sum(r["billed_fen"] for r in rows),
            "collected_fen": sum(r["collected_fen"] for r in rows),
            "claims_by_status": list(by_status.values()),
            "classes_short": sum(r["classes_short"] for r in rows),
            "carers_missing": sum(r["carers_missing"] for r in rows)}
