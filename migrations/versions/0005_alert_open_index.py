"""alert open index: a clinic's open alerts (acknowledged_at IS NULL) as one short index range, for the live console

Revision ID: 0005_alert_open_index
Revises: 0004_alert_handling
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0005_alert_open_index'
down_revision: str | None = '0004_alert_handling'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index('ix_alert_clinic_open', ['clinic_id', 'acknowledged_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_clinic_open')
