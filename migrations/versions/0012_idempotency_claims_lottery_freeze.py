"""idempotency keys are claimed before the work; a lottery's participants freeze with its seed

`idempotency_record`: `status` and `body` are NULL while the first request with a key is still
running (the claim), and `request_sha256` fingerprints the request, so the same key with a
different body is refused (issue #12).

`lottery_participant`: the waitlist entries frozen into a draw when its seed is published, and
`lottery_draw.participants_sha256` their published hash. Draws already published and not yet
drawn freeze the entries waiting at upgrade time.

Revision ID: 0012
Revises: 0011
"""
import hashlib

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idempotency_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_sha256', sa.String(length=64), nullable=True))
        batch_op.alter_column('status', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=True)

    with op.batch_alter_table('lottery_draw', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participants_sha256', sa.String(length=64), nullable=True))

    op.create_table('lottery_participant',
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['lottery_draw.id'], name=op.f('fk_lottery_participant_draw_id_lottery_draw')),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entry.id'], name=op.f('fk_lottery_participant_entry_id_waitlist_entry')),
    sa.PrimaryKeyConstraint('draw_id', 'entry_id', name=op.f('pk_lottery_participant'))
    )

    bind = op.get_bind()
    pending = bind.execute(sa.text(
        "SELECT id, slot_id FROM lottery_draw WHERE drawn_at IS NULL")).all()
    for draw_id, slot_id in pending:
        ids = [row[0] for row in bind.execute(sa.text(
            "SELECT id FROM waitlist_entry WHERE slot_id = :s AND status = 'waiting' "
            "ORDER BY id"), {"s": slot_id})]
        for entry_id in ids:
            bind.execute(sa.text("INSERT INTO lottery_participant (draw_id, entry_id) "
                                 "VALUES (:d, :e)"), {"d": draw_id, "e": entry_id})
        # lottery.participants_digest, spelled out: a migration must not change with the code.
        digest = hashlib.sha256(",".join(str(i) for i in ids).encode()).hexdigest()
        bind.execute(sa.text("UPDATE lottery_draw SET participants_sha256 = :h WHERE id = :d"),
                     {"h": digest, "d": draw_id})


def downgrade():
    op.drop_table('lottery_participant')

    with op.batch_alter_table('lottery_draw', schema=None) as batch_op:
        batch_op.drop_column('participants_sha256')

    # Claims still in progress have no answer to keep.
    op.execute("DELETE FROM idempotency_record WHERE status IS NULL OR body IS NULL")
    with op.batch_alter_table('idempotency_record', schema=None) as batch_op:
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('status', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('request_sha256')
