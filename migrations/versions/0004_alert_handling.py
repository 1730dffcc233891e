"""alert handling: taken by, resolved with an outcome and a note, staff notes on an alert

Revision ID: 0004_alert_handling
Revises: 0003_patient_media
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.core.models


revision: str = '0004_alert_handling'
down_revision: str | None = '0003_patient_media'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch_op.add_column(sa.Column('taken_by', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('taken_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch_op.add_column(sa.Column('taken_at', bot.core.models.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('resolved_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', bot.core.models.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('outcome_note', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('note_prompt_id', sa.BigInteger(), nullable=True))
    op.create_table('alert_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', bot.core.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_note_alert_id'), ['alert_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_note_alert_id'))
    op.drop_table('alert_note')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        for name in ('note_prompt_id', 'outcome_note', 'outcome', 'resolved_at', 'resolved_name', 'resolved_by',
                     'taken_at', 'taken_name', 'taken_by', 'acknowledged_name'):
            batch_op.drop_column(name)
