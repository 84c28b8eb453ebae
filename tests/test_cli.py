"""`flask users create`: how staff, regulator and admin accounts are made (docs/operations.md)."""
from sqlalchemy import func, select

from booking.auth import services
from booking.auth.models import User
from tests import factories as f


def create(runner, *args):
    return runner.invoke(args=["users", "create", *args])


def test_create_staff(runner, db):
    c = f.centre()
    result = create(runner, "--role", "staff", "--email", "Wang@Centre.cn", "--password",
                    "Secret-123", "--centre", str(c.id), "--name", "王老师")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "wang@centre.cn"))
    assert user.role == "staff" and user.centre_id == c.id and user.name == "王老师"
    assert f"created staff #{user.id}" in result.output
    assert services.authenticate("wang@centre.cn", "Secret-123").id == user.id


def test_staff_without_a_centre_fails_clearly(runner, db):
    result = create(runner, "--role", "staff", "--email", "s@centre.cn", "--password",
                    "Secret-123")
    assert result.exit_code != 0
    assert "工作人员必须属于一个托育机构" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_staff_of_an_unknown_centre_fails(runner, db):
    result = create(runner, "--role", "staff", "--email", "s@centre.cn", "--password",
                    "Secret-123", "--centre", "999999")
    assert result.exit_code != 0
    assert "托育机构不存在" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_regulator_of_a_district_and_an_admin(runner, db):
    d = f.district()
    result = create(runner, "--role", "regulator", "--email", "r@wjw.gov.cn", "--password",
                    "Secret-123", "--district", d.code)
    assert result.exit_code == 0, result.output
    reg = db.session.scalar(select(User).where(User.email == "r@wjw.gov.cn"))
    assert reg.role == "regulator" and reg.district_id == d.id and reg.name == "r"
    result = create(runner, "--role", "admin", "--email", "root@tuowei.cn", "--password",
                    "Secret-123")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "root@tuowei.cn")) == "admin"


def test_bad_input_fails_without_creating(runner, db):
    f.user(email="taken@example.com")
    cases = [
        (["--role", "admin", "--email", "taken@example.com", "--password", "Secret-123"],
         "该邮箱已注册"),
        (["--role", "admin", "--email", "a@example.com", "--password", "short"], "密码"),
        (["--role", "regulator", "--email", "r@example.com", "--password", "Secret-123",
          "--district", "nope"], "nope"),
        (["--role", "king", "--email", "k@example.com", "--password", "Secret-123"], "king"),
        (["--role", "staff", "--email", "s@example.com", "--password", "Secret-123",
          "--centre", "abc"], "abc"),
    ]
    for args, message in cases:
        result = create(runner, *args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_seed_loads_on_this_database_and_again(runner, db):
    """`flask seed` on the suite's database (PostgreSQL in CI): the twins' shared key once
    overflowed VARCHAR(40) there while SQLite let it pass (issue #12 item 4)."""
    from booking.children.models import Child

    for _ in range(2):  # the seed is idempotent
        result = runner.invoke(args=["seed", "--quiet"])
        assert result.exit_code == 0, result.output
    keys = db.session.scalars(select(Child.multiple_birth_key)
                              .where(Child.multiple_birth_key.is_not(None))).all()
    assert keys and max(map(len, keys)) > 40
    assert len(set(keys)) < len(keys)  # twins share one key
    regulators = db.session.scalars(select(User).where(User.role == "regulator")).all()
    assert regulators and not any(r.national for r in regulators)
    assert all(r.district_id or r.city for r in regulators)
    _demo_has_something_to_show(db)


def _demo_has_something_to_show(db):
    """Filed centres have their materials; the main demo parent has a place in care with the
    day's record and fees, a held place with a check to verify, and a wait (once each)."""
    from booking.daily.models import DailyEntry
    from booking.fees.models import LedgerEntry
    from booking.health.models import HealthCheck
    from booking.regulator.models import Filing
    from booking.reservations.models import Reservation
    from booking.waitlists.models import WaitlistEntry

    approved = db.session.scalars(select(Filing).where(Filing.status == "approved")).all()
    assert approved and all(f.legal_entity_cert_no and f.premises and f.fire_safety_ref
                            and f.health_evaluation_ref and f.commitment_signed
                            for f in approved)
    parent = db.session.scalar(select(User).where(User.email == "parent@tuowei.example"))
    statuses = sorted(db.session.scalars(select(Reservation.status).where(
        Reservation.parent_id == parent.id)).all())
    assert statuses.count("enrolled") == 1 and statuses.count("held") >= 1
    assert db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.parent_id == parent.id)) == 1
    kinds = set(db.session.scalars(select(LedgerEntry.kind).where(
        LedgerEntry.parent_id == parent.id)).all())
    assert {"charge", "payment"} <= kinds
    assert db.session.scalar(select(func.count(DailyEntry.id)).join(
        Reservation, Reservation.id == DailyEntry.reservation_id).where(
        Reservation.parent_id == parent.id)) == 5
    assert db.session.scalar(select(func.count(HealthCheck.id)).where(
        HealthCheck.submitted_by == parent.id, HealthCheck.status == "submitted")) == 1


def test_regulator_needs_exactly_one_scope(runner, db):
    d = f.district()
    for args in ([], ["--district", d.code, "--national"], ["--city", "西安", "--national"]):
        result = create(runner, "--role", "regulator", "--email", "r@wjw.gov.cn", "--password",
                        "Secret-123", *args)
        assert result.exit_code != 0 and "辖区" in result.output, args
    assert db.session.scalar(select(func.count(User.id))) == 0
    result = create(runner, "--role", "regulator", "--email", "n@wjw.gov.cn", "--password",
                    "Secret-123", "--national")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.national).where(User.email == "n@wjw.gov.cn"))
