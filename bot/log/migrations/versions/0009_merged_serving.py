"""Serving a fine-tuned version through its merged weights: where `salesbot finetune merge`
wrote them, and whether the version serves that way (an engine of its own, switched to
blue-green).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("adapters") as batch:
        batch.add_column(sa.Column("merged_path", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("serve_merged", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("adapters") as batch:
        batch.drop_column("serve_merged")
        batch.drop_column("merged_path")
