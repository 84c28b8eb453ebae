"""What each role's home shows (docs/homes.md): a few figures and lists, each read by the area
that owns the data and scoped as that area's own page is (a family its guardianships, staff
their centre, a regulator its jurisdiction). Reads only; every card links to the page where
the reader acts."""
import math
from datetime import timedelta

from ..audit.queries import unread_count
from ..auth.permissions import allowed
from ..centres.models import Centre
from ..children.services import children_of
from ..complaints import queries as complaints
from ..policy import queries as policy
from ..clock import now as clock_now
from ..clock import today
from ..daily.labels import summary_body
from ..daily.queries import day_of
from ..daily.summary import params_of
from ..extensions import db
from ..fees.balances import of_family
from ..health import attendance
from ..health.services import intake_readiness, to_verify_count
from ..messages.queries import unanswered_count, unread_total
from ..outbreaks.services import alerts_for
from ..regulator import services as regulator
from ..regulator.inspections import overdue
from ..reservations.models import is_live
from ..reservations.queries import for_guardian, lapsing_at_centre, shown_status
from ..rosters.checks import check_day, gap_runs
from ..sessions.queries import upcoming_for_family
from ..waitlists.queries import choices_of

LAPSING_WITHIN = timedelta(hours=24)
# What a held place needs next, by intake_readiness's state: the family's next step.
NEEDS_CHECK = ("missing", "expires_before_start", "not_passed", "vaccination")


def parent_home(user, now=None) -> dict:
    """The family's 我的: live holds with what each still needs, waits and offers, today's
    record of each child in care, the sessions to come, the prepaid balances and unread
    counts."""
    now = now or clock_now()
    holds = []
    for r in for_guardian(user):
        if shown_status(r, now) != "held":
            continue
        replaces = r.replaces if r.replaces_id is not None and is_live(r.replaces, now) else None
        rd = intake_readiness(r.child_id, r.slot)
        holds.append({"r": r, "readiness": rd, "replaces": replaces,
                      "needs_check": rd.state in NEEDS_CHECK and replaces is None})
    holds.sort(key=lambda h: h["r"].expires_at)
    day = today()
    days = []
    for child in children_of(user):
        for part in day_of(user, child.id, day, day):
            days.append({"child": child, "day": part, "text": summary_body(params_of(part)),
                         "arrived": part.attendance is not None
                         and part.attendance.arrived_at is not None})
    waits = [{"child": row["child"], **w} for row in choices_of(user) for w in row["live"]]
    return {"holds": holds, "waits": waits, "days": days,
            "sessions": upcoming_for_family(user, now),
            "balances": of_family(user.id), "messages": unread_total(user, now),
            "notices": unread_count(user)}


def staff_home(user, now=None) -> dict:
    """The centre's 今日, each card only for a role that may open its page: arrivals expected
    and arrived, intake checks to verify, holds lapsing within 24 hours, the ratio's gaps
    today, conversations waiting for an answer, open outbreak alerts, complaints the district
    asked the centre to account for, subsidy claims to submit (the director)."""
    now = now or clock_now()
    centre = db.session.get(Centre, user.centre_id) if user.centre_id else None
    out = {"centre": centre, "notices": unread_count(user)}
    if centre is None:
        return out
    if allowed(user, "attendance.read"):
        out["arrivals"] = attendance.arrivals(centre.id)
    if allowed(user, "health_record.read"):
        out["to_verify"] = to_verify_count(centre.id, now)
    if allowed(user, "reservation.read"):
        out["lapsing"] = lapsing_at_centre(centre.id, LAPSING_WITHIN, now)
    if allowed(user, "roster.read"):
        check = check_day(centre, today())
        out["ratio"] = {"check": check, "classes": [
            (c.group, gap_runs(c.hours)) for c in check.classes if c.gaps]}
    if allowed(user, "message.read"):
        out["unanswered"] = unanswered_count(user, now)
    if allowed(user, "outbreak.read"):
        out["alerts"] = [a for a in alerts_for(user, now=now) if a.is_open]
    if allowed(user, "complaint.account"):
        out["accounts_due"] = [c for c in complaints.for_centre(centre.id)
                               if c.status == "centre_asked"]
    if user.staff_role == "director":   # the director submits the centre's subsidy claims
        from ..subsidies.claims import OPEN, of_centre
        out["claims_open"] = [c for c in of_centre(centre.id) if c.status in OPEN]
    return out


def regulator_home(user, now=None) -> dict:
    """A regulator's (or an admin's) home, within the jurisdiction: open outbreak alerts,
    filings waiting for review, inspections overdue for follow-up, complaints open, due soon
    and overdue, and the districts below the 千人口托位数 target with the places each still
    needs."""
    now = now or clock_now()
    gaps = []
    for r in regulator.coverage(user):
        if r["places_per_1000"] < r["target_per_1000"]:
            short = math.ceil(r["target_per_1000"] * r["population"] / 1000 - r["places"])
            gaps.append({**r, "short": max(short, 0)})
    gaps.sort(key=lambda r: r["places_per_1000"] - r["target_per_1000"])
    out = {"alerts": [a for a in alerts_for(user, now=now) if a.is_open],
           "pending": regulator.filings(user, "submitted"), "overdue": overdue(user),
           "gaps": gaps, "notices": unread_count(user)}
    if allowed(user, "complaint.handle"):
        out["complaints"] = complaints.due_counts(user)
    if allowed(user, "policy.read"):
        out["policy_upcoming"] = [r for r in policy.overview(user) if r.upcoming]
    return out
