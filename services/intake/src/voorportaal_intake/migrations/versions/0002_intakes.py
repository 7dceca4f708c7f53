"""Intakes and their contact details.

Revision ID: intake_0002
Revises: intake_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the intakes and intake_contacts tables."""
    op.create_table(
        "intakes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("content_version", sa.String(16), nullable=False),
        sa.Column("life_events", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("started_by", sa.String(64), nullable=True),
        sa.Column("started_by_role", sa.String(64), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_intakes"),
        sa.UniqueConstraint("case_id", name="uq_intakes_case_id"),
    )
    op.create_table(
        "intake_contacts",
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("quiet_from", sa.String(5), nullable=True),
        sa.Column("quiet_until", sa.String(5), nullable=True),
        sa.Column("share_with", sa.JSON(), nullable=False),
        sa.Column("has_representative", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            ondelete="CASCADE",
            name="fk_intake_contacts_intake_id_intakes",
        ),
        sa.PrimaryKeyConstraint("intake_id", name="pk_intake_contacts"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("intake_contacts")
    op.drop_table("intakes")
