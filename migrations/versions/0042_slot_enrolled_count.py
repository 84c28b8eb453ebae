"""Per-slot enrolled counters (issue 21, part 3): `slot.enrolled_count`, the reservations of
the slot whose status is enrolled, kept by triggers on `reservation` in the transaction that
changes a status (every such transaction has already written the slot row: docs/design.md,
Locking), so every writer keeps it, bulk statements and jobs included; and two partial
indexes (enrolments by child; those with a leaving date) from which the coverage report
finds the children whose count it corrects (booking/regulator/services.py `enrolled_by`).
Backfilled from the reservations.

Revision ID: 0042
Revises: 0041
"""
from alembic import op
import sqlalchemy as sa


revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None

_ENROLLED = "status = 'enrolled'"
_LEAVING = "status = 'enrolled' AND leaves_on IS NOT NULL"

# SQLite: one trigger per way a row can enter or leave a slot's enrolled count.
_SQLITE = {
    "reservation_enrolled_insert": """AFTER INSERT ON reservation WHEN NEW.status = 'enrolled'
        BEGIN UPDATE slot SET enrolled_count = enrolled_count + 1 WHERE id = NEW.slot_id; END""",
    "reservation_enrolled_delete": """AFTER DELETE ON reservation WHEN OLD.status = 'enrolled'
        BEGIN UPDATE slot SET enrolled_count = enrolled_count - 1 WHERE id = OLD.slot_id; END""",
    "reservation_enrolled_leave": """AFTER UPDATE OF status, slot_id ON reservation
        WHEN OLD.status = 'enrolled' AND (NEW.status != 'enrolled' OR NEW.slot_id != OLD.slot_id)
        BEGIN UPDATE slot SET enrolled_count = enrolled_count - 1 WHERE id = OLD.slot_id; END""",
    "reservation_enrolled_join": """AFTER UPDATE OF status, slot_id ON reservation
        WHEN NEW.status = 'enrolled' AND (OLD.status != 'enrolled' OR NEW.slot_id != OLD.slot_id)
        BEGIN UPDATE slot SET enrolled_count = enrolled_count + 1 WHERE id = NEW.slot_id; END""",
}

_PG_FUNCTION = """
CREATE FUNCTION reservation_enrolled_count() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'enrolled' THEN
        UPDATE slot SET enrolled_count = enrolled_count - 1 WHERE id = OLD.slot_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'enrolled' THEN
        UPDATE slot SET enrolled_count = enrolled_count + 1 WHERE id = NEW.slot_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql"""

# The WHEN clauses keep the function out of every statement that moves no enrolment (the
# rush's holds, the sweep's expiries, the draw's bulk inserts of holds).
_PG = {
    "reservation_enrolled_insert": "AFTER INSERT ON reservation FOR EACH ROW "
                                   "WHEN (NEW.status = 'enrolled')",
    "reservation_enrolled_delete": "AFTER DELETE ON reservation FOR EACH ROW "
                                   "WHEN (OLD.status = 'enrolled')",
    "reservation_enrolled_update": "AFTER UPDATE OF status, slot_id ON reservation FOR EACH ROW "
                                   "WHEN ((OLD.status = 'enrolled' OR NEW.status = 'enrolled') "
                                   "AND (OLD.status IS DISTINCT FROM NEW.status "
                                   "OR OLD.slot_id IS DISTINCT FROM NEW.slot_id))",
}


def upgrade():
    op.add_column('slot', sa.Column('enrolled_count', sa.Integer(), server_default='0',
                                    nullable=False))
    op.execute("""UPDATE slot SET enrolled_count = (SELECT count(*) FROM reservation
                  WHERE reservation.slot_id = slot.id AND reservation.status = 'enrolled')""")
    op.create_index('ix_reservation_enrolled_child', 'reservation', ['child_id'],
                    unique=False, sqlite_where=sa.text(_ENROLLED),
                    postgresql_where=sa.text(_ENROLLED))
    op.create_index('ix_reservation_enrolled_leaving', 'reservation', ['child_id'],
                    unique=False, sqlite_where=sa.text(_LEAVING),
                    postgresql_where=sa.text(_LEAVING))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for name, spec in _PG.items():
            op.execute(f"CREATE TRIGGER {name} {spec} EXECUTE FUNCTION reservation_enrolled_count()")
    else:
        for name, spec in _SQLITE.items():
            op.execute(f"CREATE TRIGGER {name} {spec}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in _PG:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON reservation")
        op.execute("DROP FUNCTION IF EXISTS reservation_enrolled_count()")
    else:
        for name in _SQLITE:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index('ix_reservation_enrolled_leaving', table_name='reservation',
                  sqlite_where=sa.text(_LEAVING), postgresql_where=sa.text(_LEAVING))
    op.drop_index('ix_reservation_enrolled_child', table_name='reservation',
                  sqlite_where=sa.text(_ENROLLED), postgresql_where=sa.text(_ENROLLED))
    op.drop_column('slot', 'enrolled_count')
