"""Session state, handover reason and shopper profile; each turn's intent and action.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as table:
        table.add_column(sa.Column("state", sa.String(32), nullable=False, server_default="bot"))
        table.add_column(sa.Column("handover_reason", sa.String(32), nullable=True))
        table.add_column(sa.Column("profile", sa.JSON(), nullable=True))
    with op.batch_alter_table("turns") as table:
        table.add_column(sa.Column("intent", sa.String(32), nullable=True))
        table.add_column(sa.Column("action", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("turns") as table:
        table.drop_column("action")
        table.drop_column("intent")
    with op.batch_alter_table("sessions") as table:
        table.drop_column("profile")
        table.drop_column("handover_reason")
        table.drop_column("state")
