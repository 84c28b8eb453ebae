"""Where a notification leads: the page on which its reader acts (docs/homes.md).

Stored notices keep the parameters they were written with, so every link falls back to the
family's list page when an older notice lacks an id (a notice is never left without a way
on). Needs a request context (url_for); email carries the text only."""
from flask import url_for

from .render import params_of

# The family's own lists: where each kind leads when the notice names no record.
_LISTS = {
    "offer_made": "reservations.mine", "offer_to_switch": "reservations.mine",
    "hold_lapsing": "reservations.mine", "hold_extended": "reservations.mine",
    "hold_lapsed": "reservations.mine", "reservation_cancelled": "reservations.mine",
    "enrolled": "reservations.mine", "withdrawn": "reservations.mine",
    "one_place_ended": "reservations.mine", "waits_ended": "waitlists.mine",
    "centre_closed": "centres.search", "filing_decided": "regulator.own_filing",
    "health_check_verified": "health.mine", "health_check_returned": "health.mine",
    "sent_home": "absences.mine",
    "session_booked": "sessions.mine", "session_cancelled": "sessions.mine",
    "exam_reminder": "exams.family", "exam_cancelled": "exams.family",
    "signup_attempt": "auth.login", "round_offer": "allocation.index",
    "round_unplaced": "allocation.index", "day_summary": "daily.mine",
    "unlisted_pickup": "absences.mine", "message_received": "messages.index",
    "bulletin": "messages.index", "growth_flag": "growth.family",
    "priority_rejected": "waitlists.mine", "check_window_open": "reservations.mine",
    "complaint_received": "complaints.regulator_list",
    "complaint_account_requested": "complaints.staff_list", "complaint_closed": "complaints.mine",
    "subsidy_claim_decided": "subsidies.index", "centre_change_decided": "changes.staff_list",
    "recognition_decided": "recognition.staff_page", "fix_item_update": "evaluation.staff_page",
    "exam_result_signed": "health.mine", "transfer_decided": "operator_transfers.mine",
}

# Kinds that ask the reader to do something (the link says 去处理; the rest say 查看).
ACTING = frozenset({
    "offer_made", "offer_to_switch", "hold_lapsing", "hold_extended", "hold_lapsed",
    "reservation_cancelled", "centre_closed", "priority_rejected", "sent_home", "round_offer",
    "unlisted_pickup", "message_received", "growth_flag", "outbreak_alert", "filing_decided",
    "password_reset", "staff_invited", "one_place_ended", "check_window_open",
    "health_check_returned", "complaint_received", "complaint_account_requested",
    "subsidy_claim_decided", "centre_change_decided", "recognition_decided", "fix_item_update",
    "exam_cancelled"})


def _int(p: dict, key: str) -> int | None:
    value = p.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def link_for(note, role: str) -> str | None:
    """The URL a notice leads to for a reader of `role`, or None (a kind with nowhere to go)."""
    p, kind = params_of(note), note.kind
    child_id = _int(p, "child_id")
    if kind in ("password_reset", "staff_invited"):
        url = p.get("url") or p.get("link")
        return url if isinstance(url, str) and url.startswith(("http://", "https://", "/")) \
            else None
    if kind == "complaint_received" and _int(p, "complaint_id") is not None:
        return url_for("complaints.regulator_detail", complaint_id=p["complaint_id"])
    if kind == "complaint_account_requested" and _int(p, "complaint_id") is not None:
        return url_for("complaints.staff_detail", complaint_id=p["complaint_id"])
    if kind == "subsidy_claim_decided" and _int(p, "claim_id") is not None:
        return url_for("subsidies.claim", claim_id=p["claim_id"])
    if kind == "centre_change_decided" and _int(p, "change_id") is not None:
        return url_for("changes.staff_detail", change_id=p["change_id"])
    if kind == "fix_item_update" and role == "regulator":
        return url_for("evaluation.due_list")
    if kind == "fix_item_update" and _int(p, "fix_id") is not None:
        return url_for("evaluation.staff_page", _anchor=f"fix-{p['fix_id']}")
    if kind == "complaint_closed" and isinstance(p.get("code"), str):
        return url_for("complaints.track", code=p["code"])
    if kind == "outbreak_alert":
        return url_for("outbreaks.staff" if role == "staff" else "outbreaks.regulator")
    if kind == "growth_flag" and child_id is not None:
        return url_for("growth.staff_growth" if role == "staff" else "growth.growth",
                       child_id=child_id)
    if kind == "message_received":
        if _int(p, "thread_id") is not None:
            return url_for("messages.thread", thread_id=p["thread_id"])
        return url_for("messages.inbox" if role == "staff" else "messages.index")
    if kind == "bulletin" and _int(p, "bulletin_id") is not None:
        return url_for("messages.bulletin", bulletin_id=p["bulletin_id"])
    if kind in ("round_offer", "round_unplaced") and _int(p, "round_id") is not None:
        return url_for("allocation.show", round_id=p["round_id"])
    if kind == "priority_rejected" and p.get("application_id") is not None:
        if _int(p, "round_id") is not None:
            return url_for("allocation.show", round_id=p["round_id"])
        return url_for("allocation.index")
    if kind == "exam_result_signed" and child_id is not None:
        if _int(p, "result_id") is not None:
            return url_for("exam_results.family_result", child_id=child_id,
                           result_id=p["result_id"])
        return url_for("exam_results.family_list", child_id=child_id)
    if kind == "health_check_verified" and _int(p, "check_id") is not None:
        return url_for("health.check", check_id=p["check_id"])
    if kind in ("check_window_open", "health_check_returned") and child_id is not None:
        return url_for("health.child_checks", child_id=child_id)
    if kind in ("exam_reminder", "exam_cancelled") and child_id is not None:
        return url_for("exams.child_page", child_id=child_id)
    if kind == "sent_home" and child_id is not None:
        return url_for("absences.child", child_id=child_id)
    if kind == "unlisted_pickup" and child_id is not None:
        return url_for("pickup.child", child_id=child_id)
    if kind == "day_summary" and child_id is not None:
        return url_for("daily.history", child_id=child_id, date=p.get("on_date") or None)
    endpoint = _LISTS.get(kind)
    return url_for(endpoint) if endpoint else None
