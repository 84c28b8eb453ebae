"""Demo data for 入托体检 (seeds/exams.yaml): an institution of a demo district, its doctor,
nurse and clerk, and its sessions over the coming weeks. Idempotent."""
from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from .. import clock
from ..audit.services import record
from ..auth import services as accounts
from ..auth.models import User
from ..centres.models import District
from ..extensions import db
from ..transactions import command
from .models import SESSION_ITEMS, ExamSession, HealthInstitution

SEED = Path(__file__).resolve().parent.parent.parent / "seeds" / "exams.yaml"
BRING = "疫苗接种证、母子健康手册、儿童近期免冠照片"


@command
def load_exams(echo=print, path=SEED, days=21) -> int:
    """Returns the number of sessions added."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    made = 0
    for item in data.get("institutions") or []:
        district = db.session.scalar(select(District).where(District.code == str(item["district"])))
        if district is None:
            continue
        inst = db.session.scalar(select(HealthInstitution).where(
            HealthInstitution.name == item["name"]))
        if inst is None:
            inst = HealthInstitution(name=item["name"], kind=item["kind"],
                                     district_id=district.id, address=item.get("address"),
                                     phone=item.get("phone"),
                                     cancel_cutoff_hours=int(item.get("cancel_cutoff_hours", 24)),
                                     active=True, created_at=clock.now())
            db.session.add(inst)
            db.session.flush()
            record("institution.created", inst, after={"name": inst.name, "seed": True})
            db.session.commit()
            echo(f"seed: institution {inst.name}")
        for a in item.get("accounts") or []:
            if db.session.scalar(select(User.id).where(User.email == a["email"])) is None:
                accounts.create_user(role="institution", name=a["name"], email=a["email"],
                                     password=a["password"], institution_id=inst.id,
                                     institution_role=a["role"])
                echo(f"seed: account institution {a['email']}")
        first = clock.today() + timedelta(days=1)
        for s in item.get("sessions") or []:
            for d in (first + timedelta(days=i) for i in range(days)):
                if d.isoweekday() not in s["weekdays"]:
                    continue
                starts = datetime.combine(d, time.fromisoformat(s["start"]), tzinfo=clock.LOCAL)
                if db.session.scalar(select(ExamSession.id).where(
                        ExamSession.institution_id == inst.id, ExamSession.starts_at == starts)):
                    continue
                session = ExamSession(
                    institution_id=inst.id, starts_at=starts,
                    ends_at=datetime.combine(d, time.fromisoformat(s["end"]), tzinfo=clock.LOCAL),
                    capacity=int(s["capacity"]), items=list(SESSION_ITEMS), bring=BRING,
                    created_at=clock.now())
                db.session.add(session)
                db.session.flush()
                record("exam_session.published", session,
                       after={"starts_at": starts, "capacity": session.capacity, "seed": True})
                made += 1
    db.session.commit()
    echo(f"seed: {made} exam sessions added")
    return made
