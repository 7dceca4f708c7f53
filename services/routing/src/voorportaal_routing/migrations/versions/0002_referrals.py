"""Cases as routing knows them, identities for the warm handover, referrals, their transitions,
and the directory's change history.

Revision ID: routing_0002
Revises: routing_0001
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "routing_0002"
down_revision = "routing_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:  # long: one create_table per table; a migration is history, not edited
    """Create the routing tables."""
    op.create_table(
        "routing_cases",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(2), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("buddy_recommended", sa.Boolean(), nullable=False),
        sa.Column("buddy_name", sa.String(120), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )
    op.create_table(
        "routing_identities",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("identity", sa.JSON(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("agency_code", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("rule_ids", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("waits_on", sa.String(64), nullable=True),
        sa.Column("response_norm_working_days", sa.Integer(), nullable=False),
        sa.Column("reminder_lead_working_days", sa.Integer(), nullable=False),
        sa.Column("expiry_working_days", sa.Integer(), nullable=False),
        sa.Column("issued_at", AwareDateTime(), nullable=True),
        sa.Column("remind_at", AwareDateTime(), nullable=True),
        sa.Column("due_at", AwareDateTime(), nullable=True),
        sa.Column("expires_at", AwareDateTime(), nullable=True),
        sa.Column("next_check_at", AwareDateTime(), nullable=True),
        sa.Column("sla_done", sa.JSON(), nullable=False),
        sa.Column("stall_reported", sa.String(32), nullable=True),
        sa.Column("decline_reason", sa.String(32), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("manual_by", sa.String(64), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_referrals_case", "referrals", ["case_id"])
    op.create_index("ix_referrals_next_check", "referrals", ["next_check_at"])
    op.create_index("ix_referrals_waits_on", "referrals", ["waits_on"])
    op.create_table(
        "referral_transitions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "referral_id",
            sa.String(64),
            sa.ForeignKey("referrals.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("from_state", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(16), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_referral_transitions_referral", "referral_transitions", ["referral_id"])
    op.create_table(
        "directory_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("changed_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_directory_changes_service", "directory_changes", ["service_id"])


def downgrade() -> None:
    """Drop the routing tables."""
    for table in (
        "directory_changes",
        "referral_transitions",
        "referrals",
        "routing_identities",
        "routing_cases",
    ):
        op.drop_table(table)
