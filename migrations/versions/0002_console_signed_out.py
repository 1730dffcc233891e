"""console_login.signed_out_at: Sign out ends the session on every replica

Revision ID: 0002_console_signed_out
Revises: 0001
Create Date: 2026-12-07 00:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.core.models

revision: str = '0002_console_signed_out'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('console_login', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_out_at', bot.core.models.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('console_login', schema=None) as batch_op:
        batch_op.drop_column('signed_out_at')
