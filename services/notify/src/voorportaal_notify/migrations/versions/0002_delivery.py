"""Contact points, pending updates, messages, delivery attempts and the sent log.

Revision ID: notify_0002
Revises: notify_0001
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "notify_0002"
down_revision = "notify_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:  # long: one revision creates five tables, read as their declarations
    """Create the notify tables."""
    op.create_table(
        "contact_points",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("quiet_from", sa.String(5), nullable=True),
        sa.Column("quiet_until", sa.String(5), nullable=True),
        sa.Column("representative", sa.JSON(), nullable=True),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )
    op.create_table(
        "pending_updates",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(96), nullable=False),
        sa.Column("template_id", sa.String(48), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("ignore_quiet_hours", sa.Boolean(), nullable=False),
        sa.Column("action_required", sa.Boolean(), nullable=False),
        sa.Column("link_page", sa.String(16), nullable=False),
        sa.Column("copy_wanted", sa.Boolean(), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("copy_message_id", sa.String(64), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_pending_updates_case", "pending_updates", ["case_id"])
    op.create_index("ix_pending_updates_open", "pending_updates", ["message_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("update_ids", sa.JSON(), nullable=False),
        sa.Column("template_id", sa.String(48), nullable=False),
        sa.Column("updates", sa.Integer(), nullable=False),
        sa.Column("action_required", sa.Boolean(), nullable=False),
        sa.Column("link_page", sa.String(16), nullable=False),
        sa.Column("language", sa.String(2), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(8), nullable=True),
        sa.Column("channels_tried", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retries_on_channel", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", AwareDateTime(), nullable=True),
        sa.Column("provider_message_id", sa.String(128), nullable=True),
        sa.Column("reason_code", sa.String(64), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
        sa.Column("sent_at", AwareDateTime(), nullable=True),
    )
    op.create_index("ix_messages_case", "messages", ["case_id"])
    op.create_index("ix_messages_due", "messages", ["status", "next_attempt_at"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason_code", sa.String(64), nullable=True),
        sa.Column("provider_message_id", sa.String(128), nullable=True),
        sa.Column("started_at", AwareDateTime(), nullable=False),
        sa.Column("finished_at", AwareDateTime(), nullable=True),
    )
    op.create_index("ix_delivery_attempts_message", "delivery_attempts", ["message_id"])
    op.create_table(
        "sent_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("updates", sa.Integer(), nullable=False),
        sa.Column("action_required", sa.Boolean(), nullable=False),
        sa.Column("sent_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_sent_log_case", "sent_log", ["case_id", "sent_at"])


def downgrade() -> None:
    """Drop them."""
    for table in ("sent_log", "delivery_attempts", "messages", "pending_updates"):
        op.drop_table(table)
    op.drop_table("contact_points")
