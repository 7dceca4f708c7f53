"""Sharing grants kept from case.events, answers applied once, intakes awaiting confirmation,
what each referral's agency holds, and anonymised cases.

Revision ID: routing_0003
Revises: routing_0003_audit
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "routing_0003"
down_revision = "routing_0003_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the grants and answers tables and the new columns."""
    op.add_column("routing_cases", sa.Column("intake_id", sa.String(64), nullable=True))
    op.add_column("routing_cases", sa.Column("awaiting_confirmation", sa.Boolean(), nullable=True))
    op.add_column("routing_cases", sa.Column("anonymised_at", AwareDateTime(), nullable=True))
    op.add_column("referrals", sa.Column("shared_scopes", sa.JSON(), nullable=True))
    op.create_table(
        "routing_grants",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("grant_id", sa.String(64), primary_key=True),
        sa.Column("agency_code", sa.String(32), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("valid_from", AwareDateTime(), nullable=True),
        sa.Column("valid_until", AwareDateTime(), nullable=True),
        sa.Column("revoked_at", AwareDateTime(), nullable=True),
        sa.Column("next_check_at", AwareDateTime(), nullable=True),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_routing_grants_case", "routing_grants", ["case_id", "agency_code"])
    op.create_index("ix_routing_grants_next_check", "routing_grants", ["next_check_at"])
    op.create_table(
        "referral_answers",
        sa.Column(
            "referral_id",
            sa.String(64),
            sa.ForeignKey("referrals.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("answer_key", sa.String(64), primary_key=True),
        sa.Column("response", sa.String(16), nullable=False),
        sa.Column("responded_at", AwareDateTime(), nullable=False),
        sa.Column("received_at", AwareDateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("referral_answers")
    op.drop_index("ix_routing_grants_next_check", "routing_grants")
    op.drop_index("ix_routing_grants_case", "routing_grants")
    op.drop_table("routing_grants")
    with op.batch_alter_table("referrals") as referrals:  # SQLite rebuilds the table
        referrals.drop_column("shared_scopes")
    with op.batch_alter_table("routing_cases") as cases:
        cases.drop_column("anonymised_at")
        cases.drop_column("awaiting_confirmation")
        cases.drop_column("intake_id")
