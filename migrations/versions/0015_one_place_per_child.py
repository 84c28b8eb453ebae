"""one place per child: replacing holds (transfers, offers over a hold), ranked waits

`reservation.replaces_id`: the child's other live place a hold would replace once it takes
effect. `waitlist_entry.choice_rank` (the family's ranking, 1 = most wanted; existing waits are
ranked by when they joined) and `declined_for_id` (an offer declined to keep that place).
`city_policy.max_waits`: how many slots one child may wait for (default 5).

Plain ADD COLUMNs: on SQLite a batch rebuild of `reservation` would re-create its partial
unique index from reflection, which is not safe.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def _add_reference(table, column, name):
    """A nullable column referring to reservation.id, with its named foreign key."""
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds the key only with the column
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
                   f"CONSTRAINT {name} REFERENCES reservation (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, 'reservation', [column], ['id'])


def upgrade():
    _add_reference('reservation', 'replaces_id', 'fk_reservation_replaces_id_reservation')
    op.create_index('ix_reservation_replaces_id', 'reservation', ['replaces_id'])
    op.add_column('waitlist_entry', sa.Column('choice_rank', sa.Integer(), nullable=True))
    _add_reference('waitlist_entry', 'declined_for_id',
                   'fk_waitlist_entry_declined_for_id_reservation')
    op.add_column('city_policy', sa.Column('max_waits', sa.Integer(), server_default='5',
                                           nullable=False))
    # Existing waits are ranked in the order the family joined them, per child.
    op.execute("""
        UPDATE waitlist_entry SET choice_rank = (
            SELECT COUNT(*) FROM waitlist_entry AS w
            WHERE w.child_id = waitlist_entry.child_id
              AND w.status IN ('waiting', 'offered')
              AND (w.joined_at < waitlist_entry.joined_at
                   OR (w.joined_at = waitlist_entry.joined_at AND w.id <= waitlist_entry.id)))
        WHERE status IN ('waiting', 'offered')""")


def downgrade():
    with op.batch_alter_table('city_policy', schema=None) as batch_op:
        batch_op.drop_column('max_waits')
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.drop_column('declined_for_id')
        batch_op.drop_column('choice_rank')
    op.drop_index('ix_reservation_replaces_id', table_name='reservation')
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_column('reservation', 'replaces_id')
    else:
        op.drop_constraint('fk_reservation_replaces_id_reservation', 'reservation',
                           type_='foreignkey')
        op.drop_column('reservation', 'replaces_id')
