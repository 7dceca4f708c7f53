"""Confirmed channels, notices (codes, "your contact details were changed"), confirmations of
addresses changed here, and erased cases; a representative's copy names its mandate.

Contact points kept before this revision have no confirmed channel: nothing but a code goes to
them until the intake sends a `ContactPointsUpdated` that lists the confirmed ones.

Revision ID: notify_0003
Revises: notify_0002
"""

import sqlalchemy as sa
from alembic import op

from voorportaal_kit.db import AwareDateTime

revision = "notify_0003"
down_revision = "notify_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables and columns."""
    with op.batch_alter_table("contact_points") as batch:
        batch.add_column(
            sa.Column("verified", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.add_column(sa.Column("held", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Nothing was confirmed before: whoever has an address waits for a code.
    op.execute(sa.text("UPDATE contact_points SET held = (email IS NOT NULL OR phone IS NOT NULL)"))
    with op.batch_alter_table("contact_points") as batch:
        batch.alter_column("verified", server_default=None)
        batch.alter_column("held", server_default=None)
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("holder", sa.String(64), nullable=True))
    op.create_table(
        "notices",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("address", sa.String(320), nullable=True),
        sa.Column("address_key", sa.String(64), nullable=True),
        sa.Column("code", sa.String(6), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason_code", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", AwareDateTime(), nullable=True),
        sa.Column("expires_at", AwareDateTime(), nullable=True),
        sa.Column("provider_message_id", sa.String(128), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
        sa.Column("sent_at", AwareDateTime(), nullable=True),
    )
    op.create_index("ix_notices_due", "notices", ["status", "next_attempt_at"])
    op.create_index("ix_notices_address", "notices", ["address_key", "created_at"])
    op.create_index("ix_notices_case", "notices", ["case_id"])
    op.create_table(
        "confirmations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("address_key", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("expires_at", AwareDateTime(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )
    op.create_index("ix_confirmations_case", "confirmations", ["case_id", "channel"])
    op.create_table(
        "erased_cases",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("erased_at", AwareDateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    for table in ("erased_cases", "confirmations", "notices"):
        op.drop_table(table)
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("holder")
    with op.batch_alter_table("contact_points") as batch:
        batch.drop_column("held")
        batch.drop_column("verified")
