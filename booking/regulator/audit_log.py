"""The audit search for regulators (/regulator/audit) in people's words: who (name and role),
what (a label for each action code, booking/audit/labels.py), about which record (its kind
and centre: never a child's name, which no regulator reads outside a health record opened
with a reason, docs/permissions.md), and what changed ("field: old → new"). Filtered by
centre (within the jurisdiction), person, action and dates; paged, with the total said; the
same filtered log exported as CSV or XLSX."""
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit.labels import (ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS, PRIVATE_ENTITIES,
                            PRIVATE_FIELDS, ROLE_LABELS)
from ..allocation.models import Round
from ..audit.models import AuditEvent
from ..auth.models import User
from ..centres.models import Centre, District
from ..clock import end_of_day, start_of_day
from ..extensions import db
from ..health.models import HealthCheck
from ..i18n import local_dt, name_of, yuan
from ..inputs import parse_day
from ..reservations.labels import STATUS_LABELS as RESERVATION_STATUS
from ..waitlists.labels import STATUS_LABELS as WAITLIST_STATUS
from ..waitlists.labels import TIER_LABELS
from .jurisdiction import centre_ids, child_centre
from .labels import FILING_STATUS_LABELS
from .services import audit_clause

PAGE_SIZE = 50
EXPORT_MAX = 20_000   # an export larger than this is refused with the count, never cut short
_LONG = 80            # a value longer than this is shortened (hashes, seeds, id lists)
_STATUS_WORDS = {"reservation": RESERVATION_STATUS, "waitlist_entry": WAITLIST_STATUS,
                 "filing": FILING_STATUS_LABELS}


@dataclass
class Filters:
    centre_id: int | None = None
    person: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None
    bad_dates: list[str] = field(default_factory=list)

    def query_args(self) -> dict:
        """The filters as the page's query string (for paging and export links)."""
        out = {"centre": self.centre_id, "person": self.person, "action": self.action,
               "from": self.start.isoformat() if self.start else None,
               "to": self.end.isoformat() if self.end else None}
        return {k: v for k, v in out.items() if v}


def parse_filters(args) -> Filters:
    """The page's query string; a malformed date is dropped and named in `bad_dates`."""
    f = Filters(person=(args.get("person") or "").strip()[:254],
                action=(args.get("action") or "").strip()[:60])
    if (args.get("centre") or "").isdigit():
        f.centre_id = int(args["centre"])
    for name, attr in (("from", "start"), ("to", "end")):
        if args.get(name):
            day = parse_day(args[name])
            if day is None:
                f.bad_dates.append(name)
            setattr(f, attr, day)
    return f


def _statement(user, f: Filters):
    stmt = select(AuditEvent).where(audit_clause(user))
    if f.centre_id is not None:
        stmt = stmt.where(AuditEvent.centre_id == f.centre_id)
    if f.person:
        who = db.session.scalar(select(User.id).where(
            (func.lower(User.email) == f.person.lower()) | (User.phone == f.person)))
        stmt = stmt.where(AuditEvent.actor_id == (who or -1))
    if f.action:  # a code, or a prefix ("reservation.") for all of a kind
        stmt = stmt.where(AuditEvent.action == f.action if not f.action.endswith(".")
                          else AuditEvent.action.like(f"{f.action}%"))
    if f.start:
        stmt = stmt.where(AuditEvent.at >= start_of_day(f.start))
    if f.end:
        stmt = stmt.where(AuditEvent.at < end_of_day(f.end))
    return stmt


def count(user, f: Filters) -> int:
    return db.session.scalar(select(func.count()).select_from(
        _statement(user, f).subquery())) or 0


def page(user, f: Filters, number: int) -> dict:
    """One page of the filtered log, newest first: {total, pages, number, rows}. A page past
    the last shows the last."""
    total = count(user, f)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(1, number), pages)
    events = db.session.scalars(_statement(user, f).order_by(AuditEvent.id.desc())
                                .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return {"total": total, "pages": pages, "number": number,
            "first": (number - 1) * PAGE_SIZE + 1 if total else 0,
            "last": (number - 1) * PAGE_SIZE + len(events), "rows": describe(user, events)}


def export_rows(user, f: Filters) -> list[list]:
    """The whole filtered log, newest first, a header row first. The caller checks count()
    against EXPORT_MAX first."""
    events = db.session.scalars(_statement(user, f).order_by(AuditEvent.id.desc())
                                .limit(EXPORT_MAX)).all()
    head = [_("时间"), _("操作"), _("操作代码"), _("操作人"), _("角色"), _("机构"), _("对象"),
            _("变更"), _("原因"), _("请求编号")]
    return [head] + [[r["at"], r["action"], r["code"], r["actor"], r["role"], r["centre"],
                      r["entity"], "；".join(r["changes"]), r["reason"], r["request_id"]]
                     for r in describe(user, events)]


def action_label(code: str) -> str:
    """The label of an action code; a code recorded before it had one shows as itself."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def role_label(user) -> str:
    if user is None:
        return ""
    key = user.staff_role if user.role == "staff" and user.staff_role else user.role
    return str(ROLE_LABELS.get(key, key))


def action_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The action picker: per kind of record, "all of them" (the prefix) then each action."""
    groups: dict[str, list] = {}
    for code in ACTION_LABELS:
        groups.setdefault(code.split(".")[0], []).append((code, action_label(code)))
    out = []
    for kind, items in groups.items():
        word = str(ENTITY_LABELS.get(kind, ENTITY_LABELS.get(f"{kind}_entry", kind)))
        out.append((word, [(f"{kind}.", _("%(kind)s：全部", kind=word))] + items))
    return out


def centres_for(user) -> list[Centre]:
    """The centre picker: the centres of the jurisdiction, by district then name."""
    return db.session.scalars(select(Centre).join(District, District.id == Centre.district_id)
                              .where(Centre.id.in_(centre_ids(user)))
                              .order_by(District.city, District.code, Centre.name)).all()


def describe(user, events) -> list[dict]:
    """The events in words, for the page and the exports."""
    ids = {e.actor_id for e in events} | {e.entity_id for e in events
                                         if e.entity_type == "app_user" and e.entity_id}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    centres = {c.id: c for c in db.session.scalars(select(Centre).where(
        Centre.id.in_({e.centre_id for e in events if e.centre_id})))}
    rows = []
    for e in events:
        actor = people.get(e.actor_id)
        centre = centres.get(e.centre_id) if e.centre_id else _child_centre(user, e)
        private = e.entity_type in PRIVATE_ENTITIES
        rows.append({
            "id": e.id, "at": local_dt(e.at), "code": e.action, "action": action_label(e.action),
            "actor": (actor.name if actor else "—") if e.actor_id else _("系统"),
            "role": role_label(actor) if e.actor_id else _("自动处理"),
            "centre": name_of(centre) if centre is not None else "",
            "entity": _entity(e, centre, people),
            "changes": ([_("（内容只有家庭和机构可见）")] if private and (e.before or e.after)
                        else _changes(e)),
            "reason": "" if private else (e.reason or ""),
            # The proxy's X-Request-ID: finds the request's log lines (docs/operations.md, "Logs").
            "request_id": e.request_id or "",
        })
    return rows


def _child_centre(user, e) -> Centre | None:
    """An event about a child's record or health check carries no centre: the centre that
    puts the child in the reader's jurisdiction stands for it."""
    if e.entity_type not in ("child", "health_check") or not e.entity_id:
        return None
    child_id = e.entity_id
    if e.entity_type == "health_check":
        check = db.session.get(HealthCheck, e.entity_id)
        child_id = check.child_id if check else None
    if child_id is None:
        return None
    found = child_centre(user, child_id)
    return db.session.get(Centre, found) if found else None


def _entity(e, centre, people) -> str:
    kind = str(ENTITY_LABELS.get(e.entity_type, e.entity_type))
    if e.entity_type == "centre" and centre is not None:
        return _("机构：%(name)s", name=name_of(centre))
    if e.entity_type == "app_user":
        who = people.get(e.entity_id)
        if who is not None:
            return _("账号：%(name)s（%(role)s）", name=who.name, role=role_label(who))
    if e.entity_type == "district" and e.entity_id:
        d = db.session.get(District, e.entity_id)
        if d is not None:
            return _("区县：%(city)s %(name)s", city=d.city, name=name_of(d))
    if e.entity_type == "allocation_round" and e.entity_id:
        rnd = db.session.get(Round, e.entity_id)
        if rnd is not None:
            return _("派位批次：%(name)s", name=rnd.name)
    return kind


def _loads(text):
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


def _changes(e) -> list[str]:
    """"field: old → new" for each field of before/after; a field only one side names shows
    that side alone."""
    before, after = _loads(e.before), _loads(e.after)
    out = []
    for key in list(dict.fromkeys([*before, *after])):
        label = str(FIELD_LABELS.get(key, key)) if key else _("内容")
        old = _value(e, key, before[key]) if key in before else None
        new = _value(e, key, after[key]) if key in after else None
        if old is not None and new is not None:
            out.append(f"{label}: {old} → {new}" if old != new else f"{label}: {new}")
        elif key in before and key not in after and after:
            out.append(f"{label}: {old} → —")
        else:
            out.append(f"{label}: {old if new is None else new}")
    return out


def _value(e, key: str, value) -> str:
    if key in PRIVATE_FIELDS:
        return _("（不显示）")
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key.endswith("_fen") and isinstance(value, int):
        return yuan(value)
    if key in ("status", "filing_status", "replaced_status") and isinstance(value, str):
        words = _STATUS_WORDS.get(e.entity_type) or (FILING_STATUS_LABELS if key == "filing_status"
                                                     else {})
        return str(words.get(value, value))
    if key in ("tier", "claimed_tier") and isinstance(value, str):
        return str(TIER_LABELS.get(value, value))
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            return local_dt(datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, list):
        shown = "、".join(_value(e, "", v) for v in value[:6])
        return shown + (_("…（共 %(n)s 项）", n=len(value)) if len(value) > 6 else "")
    if isinstance(value, dict):
        text = "；".join(f"{FIELD_LABELS.get(k, k)}: {_value(e, k, v)}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= _LONG else text[:_LONG - 1] + "…"
