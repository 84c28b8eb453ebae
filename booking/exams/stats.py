"""Counts for regulators (docs/exams.md, Counts for regulators): per institution of the
jurisdiction and per district, appointments booked, exams done, no-shows, the pass rate of
signed results and the wait to the first free place. Counts only: never a name or a record.
"""
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from ..auth.permissions import allowed
from ..centres.models import District
from ..clock import LOCAL, local_date
from ..clock import now as clock_now
from ..errors import Forbidden
from ..extensions import db
from ..regulator.jurisdiction import district_clause
from .exam_sessions import open_sessions
from .models import ExamAppointment, ExamResult, ExamSession, HealthInstitution


def _rate(passed: int, signed: int) -> float | None:
    return round(passed / signed, 3) if signed else None


def exam_stats(actor, *, date_from: date | None = None, date_to: date | None = None,
               now=None) -> dict:
    """{"institutions": [...], "districts": [...]}, each row with booked, examined,
    no_shows, signed, passed, pass_rate and wait_days (None: no free place ahead).
    `date_from`/`date_to` narrow to sessions on those Beijing days."""
    if actor is None or not allowed(actor, "exam.stats"):
        raise Forbidden()
    now = now or clock_now()
    insts = db.session.execute(
        select(HealthInstitution, District).join(District,
                                                 District.id == HealthInstitution.district_id)
        .where(district_clause(actor)).order_by(District.code, HealthInstitution.name)).all()
    ids = [i.id for i, _d in insts]
    counts: dict = defaultdict(lambda: defaultdict(int))
    if ids:
        stmt = (select(ExamSession.institution_id, ExamAppointment.status,
                       func.count(ExamAppointment.id))
                .join(ExamSession, ExamSession.id == ExamAppointment.session_id)
                .where(ExamSession.institution_id.in_(ids)))
        if date_from:
            stmt = stmt.where(ExamSession.starts_at >= datetime.combine(date_from, time(),
                                                                        tzinfo=LOCAL))
        if date_to:
            stmt = stmt.where(ExamSession.starts_at < datetime.combine(
                date_to, time(), tzinfo=LOCAL) + timedelta(days=1))
        for inst_id, status, n in db.session.execute(
                stmt.group_by(ExamSession.institution_id, ExamAppointment.status)):
            counts[inst_id][status] = n
        rstmt = (select(ExamResult.institution_id, ExamResult.conclusion,
                        func.count(ExamResult.id))
                 .where(ExamResult.institution_id.in_(ids), ExamResult.status == "signed"))
        if date_from:
            rstmt = rstmt.where(ExamResult.examined_on >= date_from)
        if date_to:
            rstmt = rstmt.where(ExamResult.examined_on <= date_to)
        for inst_id, conclusion, n in db.session.execute(
                rstmt.group_by(ExamResult.institution_id, ExamResult.conclusion)):
            counts[inst_id]["signed"] += n
            if conclusion == "pass":
                counts[inst_id]["passed"] += n
    today = local_date(now)
    wait: dict[int, int] = {}
    if ids:
        rows, _total = open_sessions(now=now, has_places=True, per_page=1000)
        for s, _n in rows:
            if s.institution_id in ids and s.institution_id not in wait:
                wait[s.institution_id] = (local_date(s.starts_at) - today).days
    out, by_district = [], {}
    for inst, district in insts:
        c = counts[inst.id]
        row = {"institution_id": inst.id, "institution": inst.name, "kind": inst.kind,
               "district_id": district.id, "district": district.name,
               "booked": c["booked"], "examined": c["examined"], "no_shows": c["no_show"],
               "signed": c["signed"], "passed": c["passed"],
               "pass_rate": _rate(c["passed"], c["signed"]), "wait_days": wait.get(inst.id)}
        out.append(row)
        d = by_district.setdefault(district.id, {
            "district_id": district.id, "district": district.name, "institutions": 0,
            "booked": 0, "examined": 0, "no_shows": 0, "signed": 0, "passed": 0,
            "wait_days": None})
        d["institutions"] += 1
        for key in ("booked", "examined", "no_shows", "signed", "passed"):
            d[key] += row[key]
        if row["wait_days"] is not None and (d["wait_days"] is None
                                             or row["wait_days"] < d["wait_days"]):
            d["wait_days"] = row["wait_days"]
    districts = [{**d, "pass_rate": _rate(d["passed"], d["signed"])}
                 for d in by_district.values()]
    return {"institutions": out, "districts": districts}
