"""The client's own id for each message, so a message sent again after a reconnect is
recognised and never makes a second turn.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("client_id", sa.String(64), nullable=True))
    op.create_index("ix_turns_session_client", "turns", ["session_id", "client_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_turns_session_client", table_name="turns")
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("client_id")
