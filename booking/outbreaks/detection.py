"""Detecting an outbreak (docs/outbreaks.md, Detection): the illness signals of a centre
(`absences.illness.illness_on`: illness absences and failed morning checks) against the rules
of its city, and the alerts they open.

Safe in two processes at once: an alert is inserted first under its unique key
(centre, class, symptom, rule, window) with ON CONFLICT DO NOTHING, so of two checks one
opens it and notifies; the other finds it (docs/design.md, Claim before work).
"""
from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from ..absences.illness import IllChild, illness_on
from ..absences.models import Absence
from ..audit.services import notify_many, record
from ..auth.models import User
from ..centres.models import Centre
from ..clock import local_date
from ..clock import now as clock_now
from ..extensions import db
from ..health.models import Attendance
from ..reservations.models import Reservation
from ..slots.models import Slot
from ..transactions import command
from .models import OutbreakAlert, OutbreakAlertChild, OutbreakRule

# The longest window any rule may have (the CHECK on outbreak_rule.window_days).
MAX_WINDOW = 14


def _insert(model):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def rules_for(city: str | None) -> list[OutbreakRule]:
    """The active rules for a centre in `city`: for each symptom the city's own rules when it
    keeps any, else the national ones."""
    rows = db.session.scalars(select(OutbreakRule).where(
        OutbreakRule.active.is_(True),
        or_(OutbreakRule.city.is_(None), OutbreakRule.city == city))
        .order_by(OutbreakRule.id)).all()
    local = {r.symptom for r in rows if r.city is not None}
    return [r for r in rows if (r.city is not None) == (r.symptom in local)]


def _ill_over(centre_id: int, day: date, days: int) -> dict[int, IllChild]:
    """Each child ill on any of the `days` days ending on `day`, once, symptoms merged."""
    seen: dict[int, IllChild] = {}
    for back in range(days):
        for children in illness_on(centre_id, day - timedelta(days=back)).values():
            for c in children:
                have = seen.setdefault(c.child_id, IllChild(c.child_id, c.name, c.group_id,
                                                            since=c.since))
                have.symptoms |= c.symptoms
                have.sources |= c.sources
                if c.since and (have.since is None or c.since < have.since):
                    have.since = c.since
    return seen


def crossings(centre_id: int, day: date) -> list[tuple[OutbreakRule, int | None, list[IllChild]]]:
    """(rule, class id or None for the centre, the children) for every rule crossed on `day`.
    A child without a class counts for the centre only."""
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        return []
    city = centre.district.city if centre.district else None
    found, cache = [], {}
    for rule in rules_for(city):
        ill = cache.get(rule.window_days)
        if ill is None:
            ill = cache[rule.window_days] = _ill_over(centre_id, day, rule.window_days)
        sick = [c for c in ill.values() if rule.symptom in c.symptoms]
        if rule.scope == "centre":
            if len(sick) >= rule.min_children:
                found.append((rule, None, sick))
            continue
        by_class: dict[int, list[IllChild]] = {}
        for c in sick:
            if c.group_id is not None:
                by_class.setdefault(c.group_id, []).append(c)
        found += [(rule, gid, kids) for gid, kids in sorted(by_class.items())
                  if len(kids) >= rule.min_children]
    return found


def _open_or_join(centre_id, rule, group_id, kids, day, now) -> tuple[OutbreakAlert, bool]:
    """The alert this crossing belongs to, and whether this check opened it."""
    key = group_id or 0
    starts = day - timedelta(days=rule.window_days - 1)
    same = and_(OutbreakAlert.centre_id == centre_id, OutbreakAlert.class_key == key,
                OutbreakAlert.symptom == rule.symptom, OutbreakAlert.rule_id == rule.id)
    # A window overlapping an earlier alert's is the same cluster: it joins that alert.
    earlier = db.session.scalar(select(OutbreakAlert).where(
        same, OutbreakAlert.window_ends_on >= starts, OutbreakAlert.window_starts_on <= day)
        .order_by(OutbreakAlert.window_starts_on.desc()).limit(1))
    if earlier is not None:
        if earlier.window_ends_on < day:
            earlier.window_ends_on = day
        return earlier, False
    new_id = db.session.scalar(
        _insert(OutbreakAlert).values(
            centre_id=centre_id, group_id=group_id, class_key=key, symptom=rule.symptom,
            rule_id=rule.id, window_starts_on=starts, window_ends_on=day, opened_at=now)
        .on_conflict_do_nothing(index_elements=["centre_id", "class_key", "symptom", "rule_id",
                                                "window_starts_on"])
        .returning(OutbreakAlert.id))
    if new_id is not None:
        return db.session.get(OutbreakAlert, new_id), True
    # Another check opened it first (and has committed: ON CONFLICT waited for it).
    return db.session.scalar(select(OutbreakAlert).where(
        same, OutbreakAlert.window_starts_on == starts)), False


def _add_children(alert: OutbreakAlert, kids: list[IllChild], now) -> None:
    db.session.execute(
        _insert(OutbreakAlertChild).values([
            {"alert_id": alert.id, "child_id": c.child_id, "group_id": c.group_id,
             "sources": ",".join(sorted(c.sources)), "ill_since": c.since, "added_at": now}
            for c in kids])
        .on_conflict_do_nothing(index_elements=["alert_id", "child_id"]))


def centre_staff(centre_id: int) -> list[int]:
    """The centre's director(s) and health worker(s), active accounts."""
    return list(db.session.scalars(select(User.id).where(
        User.centre_id == centre_id, User.role == "staff", User.active.is_(True),
        User.deleted_at.is_(None), User.staff_role.in_(("director", "health")))
        .order_by(User.id)))


def local_regulators(centre: Centre) -> list[int]:
    """The regulators of the centre's district and of its city (a city's health commission
    watches all its districts); national regulators read the alerts page instead."""
    return list(db.session.scalars(select(User.id).where(
        User.role == "regulator", User.active.is_(True), User.deleted_at.is_(None),
        or_(User.district_id == centre.district_id,
            and_(User.district_id.is_(None), User.city == centre.district.city)))
        .order_by(User.id)))


def _notify(alert: OutbreakAlert, kids: list[IllChild], now) -> None:
    """The centre hears with the children's names; the district's and the city's regulators
    with counts only (docs/outbreaks.md, Who hears)."""
    counts = {"alert_id": alert.id, "centre": alert.centre.name,
              "group": alert.group.name if alert.group else "", "symptom": alert.symptom,
              "count": len(kids), "window": alert.rule.window_days,
              "since": alert.window_starts_on.isoformat(), "until": alert.window_ends_on.isoformat()}
    named = {**counts, "children": "、".join(c.name for c in kids)}
    notify_many([{"user_id": uid, "kind": "outbreak_alert", "params": named}
                 for uid in centre_staff(alert.centre_id)]
                + [{"user_id": uid, "kind": "outbreak_alert", "params": counts}
                   for uid in local_regulators(alert.centre)], at=now)


def check_flush(centre_id: int, day: date | None = None, now=None) -> list[OutbreakAlert]:
    """Evaluate the rules for `centre_id` on `day` (today by default); open the alerts crossed
    (and notify), or add new children to the alert already open for the same cluster.
    Returns the alerts opened. Only flushes: the caller's command commits."""
    now = now or clock_now()
    day = day or local_date(now)
    opened = []
    for rule, group_id, kids in crossings(centre_id, day):
        alert, new = _open_or_join(centre_id, rule, group_id, kids, day, now)
        _add_children(alert, kids, now)
        if new:
            db.session.flush()
            record("outbreak.opened", alert, centre_id=centre_id, at=now,
                   after={"rule_id": rule.id, "symptom": rule.symptom, "group_id": group_id,
                          "count": len(kids)})
            _notify(alert, kids, now)
            opened.append(alert)
    return opened


@command
def check(centre_id: int, day: date | None = None, now=None) -> list[OutbreakAlert]:
    """`check_flush` as a command of its own: commits."""
    opened = check_flush(centre_id, day, now)
    db.session.commit()
    return opened


def after_illness_absence(absence: Absence, now=None) -> None:
    """Called inside the command that reported an illness absence: a child ill today is
    checked at once (later days wait for the job). Only flushes."""
    now = now or clock_now()
    if absence.reason == "illness" and absence.starts_on <= local_date(now) <= absence.ends_on:
        check_flush(absence.centre_id, local_date(now), now)


def centres_with_illness(day: date) -> list[int]:
    """Centres with an illness absence or a failed morning check in the longest window."""
    first = day - timedelta(days=MAX_WINDOW - 1)
    absent = select(Absence.centre_id).where(
        Absence.reason == "illness", Absence.withdrawn_at.is_(None),
        Absence.starts_on <= day, Absence.ends_on >= first)
    failed = (select(Slot.centre_id).join(Reservation, Reservation.slot_id == Slot.id)
              .join(Attendance, Attendance.reservation_id == Reservation.id)
              .where(Attendance.on_date.between(first, day),
                     Attendance.morning_check_passed.is_(False)))
    return sorted(set(db.session.scalars(absent)) | set(db.session.scalars(failed)))


def check_outbreaks(now=None) -> int:
    """The job: check every centre with illness in the window, each in its own transaction.
    Safe in two processes (the alerts' unique key). Returns the alerts opened."""
    now = now or clock_now()
    day = local_date(now)
    return sum(len(check(centre_id, day, now)) for centre_id in centres_with_illness(day))

