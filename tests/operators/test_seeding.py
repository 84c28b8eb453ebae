"""The demo operators' loader is idempotent and keeps a regulator's link."""
from datetime import date

from sqlalchemy import func, select

from booking.operators import services
from booking.operators.models import CentreOperator, Operator
from booking.operators.seeding import load_operators
from tests import factories as f


def test_the_loader_is_idempotent_and_keeps_links(db, tmp_path):
    d = f.district()
    one, two = f.centre(d, seed_key="op-one"), f.centre(d, seed_key="op-two")
    code = f.credit_code()
    seed = tmp_path / "operators.yaml"
    seed.write_text(f"""operators:
  - {{name: 演示集团, credit_code: "{code}", legal_representative: 王五, district: "{d.code}",
     from_date: "2025-09-01", centres: [op-one, op-two, missing]}}
""", encoding="utf-8")
    assert load_operators(echo=lambda *_: None, path=seed) == 2
    other = f.operator(d)
    services.link_centre(f.user("admin"), other.id, two.id, date(2026, 10, 1))
    assert load_operators(echo=lambda *_: None, path=seed) == 0
    assert db.session.scalar(select(func.count(Operator.id))) == 2
    current = db.session.scalar(select(CentreOperator.operator_id).where(
        CentreOperator.centre_id == two.id, CentreOperator.to_date.is_(None)))
    assert current == other.id and one.id


def test_the_shipped_seed_has_valid_codes():
    import yaml
    from booking.operators.credit_code import is_valid
    from booking.operators.seeding import SEED
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    assert data["operators"] and all(is_valid(o["credit_code"]) for o in data["operators"])


def test_the_seeded_manager_directs_every_centre_once(db, tmp_path):
    from booking.operators import assignments
    from booking.operators.models import OperatorManager
    d = f.district()
    one, two = f.centre(d, seed_key="m-one"), f.centre(d, seed_key="m-two")
    seed = tmp_path / "operators.yaml"
    seed.write_text(f"""operators:
  - name: 演示集团
    credit_code: "{f.credit_code()}"
    legal_representative: 王五
    district: "{d.code}"
    from_date: "2025-09-01"
    centres: [m-one, m-two]
    managers: [{{name: 经理, email: boss@example.com, password: {f.PASSWORD}}}]
""", encoding="utf-8")
    load_operators(echo=lambda *_: None, path=seed)
    load_operators(echo=lambda *_: None, path=seed)
    m = db.session.scalar(select(OperatorManager))
    assert db.session.scalar(select(func.count(OperatorManager.id))) == 1
    assert {a.centre_id for a in assignments.active_of(m.user_id)} == {one.id, two.id}
