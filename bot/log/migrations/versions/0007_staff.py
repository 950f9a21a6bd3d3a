"""The staff side: accounts, signed-in sessions, what agents said in conversations, the audit
trail, who holds a conversation taken over from the assistant; the insight kept per message
(sentiment) and per conversation (lead score), and reviewers' tags and marks.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("agent", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lead_score", sa.Float, nullable=True))
        batch.add_column(sa.Column("tags", sa.JSON, nullable=True))
        batch.add_column(sa.Column("customer", sa.JSON, nullable=True))
    with op.batch_alter_table("turns") as batch:
        batch.add_column(sa.Column("sentiment", sa.String(8), nullable=True))
        batch.add_column(sa.Column("sentiment_score", sa.Float, nullable=True))
        batch.add_column(sa.Column("mark", sa.String(8), nullable=True))
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("disabled_at", WHEN, nullable=True),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("staff_accounts.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
    )
    op.create_index("ix_staff_sessions_account_id", "staff_sessions", ["account_id"])
    op.create_table(
        "staff_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("turn_id", sa.Integer, sa.ForeignKey("turns.id"), nullable=True),
        sa.Column("agent", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("draft", sa.Text, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_staff_messages_session_id", "staff_messages", ["session_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("details", sa.JSON, nullable=True),
    )
    op.create_table(
        "canned_responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_canned_responses_owner", "canned_responses", ["owner"])
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("decided_at", WHEN, nullable=True),
    )
    op.create_index("ix_followups_session_id", "followups", ["session_id"])
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_session_id", "audit", ["session_id"])


def downgrade() -> None:
    tables = ("followups", "canned_responses", "audit", "staff_messages", "staff_sessions",
              "staff_accounts")  # fmt: skip
    for table in tables:
        op.drop_table(table)
    with op.batch_alter_table("turns") as batch:
        for column in ("mark", "sentiment_score", "sentiment"):
            batch.drop_column(column)
    with op.batch_alter_table("sessions") as batch:
        for column in ("customer", "tags", "lead_score", "agent"):
            batch.drop_column(column)
