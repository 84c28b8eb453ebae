"""The unit of work (booking/transactions.py): a service command that refuses leaves nothing of
what it did, unless it says the work must stand (`kept`); views, API handlers and commands
never commit or roll back themselves."""
import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select

from booking.audit.models import AuditEvent, Notification
from booking.centres.models import District
from booking.errors import Conflict, ValidationFailed
from booking.extensions import db as _db
from booking.slots import services as slots
from booking.slots.models import Slot
from booking.transactions import command, kept
from tests import factories as f

BOOKING = Path(__file__).resolve().parent.parent / "booking"


def _count(model, *where):
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def affordable(app, db):
    """An affordable slot of 5 places in a city whose cap for its band is 1,800 yuan."""
    f.policy(city="西安", toddler=180000)
    return f.slot(f.centre(), category="affordable", capacity=5, fee=150000)


def _capacity_after_a_later_commit(slot_id) -> int:
    # Whatever the request commits next (another command, a read that is logged) would
    # carry what the refused command left in the session.
    _db.session.commit()
    _db.session.expire_all()
    return _db.session.get(Slot, slot_id).capacity


def test_a_refused_command_leaves_nothing_behind(affordable):
    # change_slot writes the capacity, which is flushed when the fee cap is looked up; then
    # the fee is refused.
    with pytest.raises(ValidationFailed):
        slots.change_slot(affordable.id, capacity=3, monthly_fee_fen=999999)
    assert _capacity_after_a_later_commit(affordable.id) == 5
    assert _count(AuditEvent, AuditEvent.action == "slot.changed") == 0


def test_without_the_unit_of_work_the_same_refusal_would_leak(affordable):
    """The test above means something: the refused work did reach the session."""
    with pytest.raises(ValidationFailed):
        slots.change_slot.__wrapped__(affordable.id, capacity=3, monthly_fee_fen=999999)
    assert _capacity_after_a_later_commit(affordable.id) == 3


def _district(code):
    _db.session.add(District(code=code, name=code, city="西安", population=1000,
                             target_per_1000=4))
    _db.session.flush()


def test_kept_work_stands_although_the_command_refuses(app, db):
    @command
    def refuses(code):
        _district(code)
        raise Conflict("no")

    @command
    def refuses_but_keeps(code):
        _district(code)
        raise kept(Conflict("no, but the district stays"))

    with pytest.raises(Conflict):
        refuses("610001")
    with pytest.raises(Conflict, match="stays"):
        refuses_but_keeps("610002")
    db.session.rollback()
    assert db.session.scalars(select(District.code)).all() == ["610002"]


def test_a_taken_address_is_refused_and_its_owner_still_told(app, db):
    """auth.register_parent: the owner's warning is kept work (raise kept)."""
    owner = f.user(email="taken@example.com")
    with pytest.raises(Conflict):
        f.user(email="taken@example.com")
    db.session.rollback()
    assert _count(Notification, Notification.user_id == owner.id,
                  Notification.kind == "signup_attempt") == 1


# --- the source keeps to it --------------------------------------------------------------

def _surfaces():
    """Views, API handlers and CLI commands: they call services and never end a transaction."""
    for path in sorted(BOOKING.rglob("*.py")):
        if "views" in path.name or path.name in ("api.py", "cli.py"):
            yield path


def test_no_view_api_handler_or_command_commits_or_rolls_back():
    surfaces = list(_surfaces())
    assert any(p.name == "cli.py" for p in surfaces) and len(surfaces) > 20
    offenders = [f"{p.relative_to(BOOKING.parent)}:{n}"
                 for p in surfaces
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if "session.rollback(" in line or "session.commit(" in line]
    assert offenders == []


# Modules whose commits are not a service command's: the idempotency claim (committed on its
# own before the handler runs), the scheduler's wrapper and its sweeps (which commit batch by
# batch on purpose, so a sweep that dies keeps the batches done; `places check --fix` likewise,
# one child per transaction), demo data, and the unit of
# work itself.
_NOT_COMMANDS = {"api/idempotency.py", "jobs.py", "places/check.py", "places/sweeps.py",
                 "seeding.py", "seeding_demo.py", "transactions.py"}
_CORE: set[str] = set()


def test_every_public_function_that_commits_is_a_command():
    undecorated = []
    for path in sorted(BOOKING.rglob("*.py")):
        rel = path.relative_to(BOOKING).as_posix()
        if rel in _NOT_COMMANDS or rel in _CORE:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if (isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                    and "session.commit(" in ast.get_source_segment(source, node)
                    and "command" not in {ast.unparse(d) for d in node.decorator_list}
                    and f"{rel}:{node.name}" not in _CORE):
                undecorated.append(f"{rel}:{node.name}")
    assert undecorated == []
