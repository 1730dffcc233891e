"""patient media: photos, voice notes, videos and files patients send (Telegram file ids and captions, never content)

Revision ID: 0003_patient_media
Revises: 0002_console_signed_out
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.core.models


revision: str = '0003_patient_media'
down_revision: str | None = '0002_console_signed_out'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('patient_media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('file_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('album', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('caption', sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
    sa.Column('check_in_id', sa.Integer(), nullable=True),
    sa.Column('caption_level', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('received_at', bot.core.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['check_in_id'], ['check_in.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('patient_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_media_patient_id'), ['patient_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('patient_media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_media_patient_id'))

    op.drop_table('patient_media')
