"""Loads seeds/operators.yaml: demo operators and the centres they run (docs/operators.md).

Idempotent: an operator is found by its credit code, and a centre is linked only when it has
no operator yet, so running it again adds nothing and never undoes a regulator's link.
Seeding is not a person's act, so it is not audited (like the rest of `flask seed`)."""
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from ..auth.models import User
from ..auth.services import hash_password
from ..centres.models import Centre, District
from ..extensions import db
from ..transactions import command
from .credit_code import is_valid
from .models import CentreOperator, Operator, OperatorManager, StaffAssignment

SEED = Path(__file__).resolve().parent.parent.parent / "seeds" / "operators.yaml"


@command
def load_operators(echo=print, path=SEED) -> int:
    """Seed the operators of `path`; returns how many links were new."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    linked = 0
    for entry in data.get("operators") or []:
        if not is_valid(entry["credit_code"]):
            raise ValueError(f"seeds/operators.yaml: bad credit code {entry['credit_code']}")
        district = db.session.scalar(select(District).where(
            District.code == str(entry["district"])))
        if district is None:
            continue
        op = db.session.scalar(select(Operator).where(
            Operator.credit_code == entry["credit_code"]))
        if op is None:
            op = Operator(name=entry["name"], credit_code=entry["credit_code"],
                          legal_representative=entry["legal_representative"],
                          contact_name=entry.get("contact_name"),
                          contact_phone=entry.get("contact_phone"),
                          address=entry.get("address"), district_id=district.id)
            db.session.add(op)
            db.session.flush()
        for key in entry.get("centres") or []:
            centre_id = db.session.scalar(select(Centre.id).where(Centre.seed_key == key))
            if centre_id is None or db.session.scalar(select(CentreOperator.id).where(
                    CentreOperator.centre_id == centre_id, CentreOperator.to_date.is_(None))):
                continue
            db.session.add(CentreOperator(centre_id=centre_id, operator_id=op.id,
                                          from_date=date.fromisoformat(str(entry["from_date"]))))
            linked += 1
        db.session.flush()
        for m in entry.get("managers") or []:
            _manager(op, m)
    db.session.commit()
    echo(f"seed: operators: {len(data.get('operators') or [])} ({linked} new links)")
    return linked


def _manager(op: Operator, m: dict) -> None:
    """The operator's 运营负责人, a director at each centre it runs now; once only."""
    centres = list(db.session.scalars(select(CentreOperator.centre_id).where(
        CentreOperator.operator_id == op.id, CentreOperator.to_date.is_(None))
        .order_by(CentreOperator.centre_id)))
    if not centres or db.session.scalar(select(User.id).where(User.email == m["email"])):
        return
    user = User(name=m["name"], email=m["email"], role="staff", staff_role="director",
                centre_id=centres[0], password_hash=hash_password(m["password"]))
    db.session.add(user)
    db.session.flush()  # its first assignment, at centres[0], comes with it (models.py)
    db.session.add(OperatorManager(user_id=user.id, operator_id=op.id))
    for cid in centres[1:]:
        db.session.add(StaffAssignment(user_id=user.id, centre_id=cid, staff_role="director"))
